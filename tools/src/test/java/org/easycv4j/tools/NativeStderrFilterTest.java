package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launchers' filter of standard error (tools/lib/native-stderr.awk) on the lines native libraries print. */
class NativeStderrFilterTest {
    private static final Path FILTER = Path.of("..", "tools", "lib", "native-stderr.awk");

    @Test
    void nativeLinesGoToTheLogAndOneNoteSaysWhere(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("native.log");
        String in = String.join("\n",
                "error: data.train: 2 bad samples",
                "Corrupt JPEG data: premature end of data segment",
                "libpng warning: iCCP: known incorrect sRGB profile",
                "[ WARN:0@1.234] global loadsave.cpp:241 findDecoder imread_('x'): can't open/read file",
                "[W1201 05:06:34.347599193 LegacyTypeDispatch.h:74] Warning: AutoNonVariableTypeMode is deprecated",
                "[W1201 05:07:00.000000001 Context.cpp:12] Warning: something else",
                "  /data/a.jpg: not an image",
                "");
        Process p = new ProcessBuilder("awk", "-v", "LOG=" + log, "-f", FILTER.toString()).start();
        p.getOutputStream().write(in.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue());
        assertEquals(List.of("error: data.train: 2 bad samples", "  /data/a.jpg: not an image",
                "note: 4 messages of native libraries (image decoders, libtorch) not shown, e.g. \"Corrupt JPEG data: "
                        + "premature end of data segment\"; all in " + log), out.lines().toList());
        assertEquals(List.of(in.split("\n")).subList(1, 6), Files.readAllLines(log), "all, harmless ones too");
    }

    /** libtorch's deprecation warning that DJL triggers in every run is logged without a note. */
    @Test
    void theKnownHarmlessWarningAloneAddsNoNote(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("native.log");
        Process p = new ProcessBuilder("awk", "-v", "LOG=" + log, "-f", FILTER.toString()).start();
        String line = "[W1201 05:06:34.347599193 LegacyTypeDispatch.h:74] Warning: AutoNonVariableTypeMode is "
                + "deprecated and will be removed in 1.10 release.";
        p.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        assertEquals("", out);
        assertEquals(List.of(line), Files.readAllLines(log));
    }

    @Test
    void withoutNativeLinesNothingIsAdded(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("native.log");
        Process p = new ProcessBuilder("awk", "-v", "LOG=" + log, "-f", FILTER.toString()).start();
        p.getOutputStream().write("error: x\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        assertEquals("error: x\n", out);
        assertEquals(false, Files.exists(log));
    }
}
