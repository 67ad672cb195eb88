package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/config.md stays true: its key reference is the output of tools/list --keys, its example config runs. */
class ConfigDocsTest {
    private static final Path DOC = Path.of("..", "docs", "config.md");
    private static final String BEGIN = "<!-- BEGIN tools/list --keys \"data source\" --keys dataset --keys transform -->\n";
    private static final String END = "<!-- END tools/list -->";

    @Test
    void theKeyReferenceIsTheOutputOfListKeys() throws Exception {
        String doc = Files.readString(DOC);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "docs/config.md has the generated section");
        CliRun.Result r = CliRun.run("list", "--keys", "data source", "--keys", "dataset", "--keys", "transform");
        assertEquals(0, r.code(), r.err());
        assertEquals(r.out(), doc.substring(begin + BEGIN.length(), end),
                "regenerate the section of docs/config.md with: tools/list --keys \"data source\" --keys dataset "
                        + "--keys transform");
        assertTrue(r.out().contains("| `max_bad_samples` | an integer >= 0 | `100` |"), r.out());
        assertTrue(r.out().contains("#### RandomResizedCrop (transform)"), r.out());
    }

    @Test
    void listKeysOfAnUnknownTypeFailsWithTheKnownOnes() {
        CliRun.Result r = CliRun.run("list", "--keys", "RandomResizedCorp");
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().contains("did you mean \"RandomResizedCrop\""), r.err());
    }

    /** The worked example, on five class folders of tiny images, passes --dry-run. */
    @Test
    void theWorkedExampleConfigIsValid(@TempDir Path dir) throws Exception {
        String doc = Files.readString(DOC);
        int section = doc.indexOf("## Write a new config");
        int start = doc.indexOf("```hocon\n", section) + "```hocon\n".length();
        String example = doc.substring(start, doc.indexOf("```\n", start));
        String include = "include required(\"../_base_/runtime/default_runtime.conf\")";
        assertTrue(example.contains(include), example);
        Path base = Path.of("..", "configs", "_base_", "runtime", "default_runtime.conf").toAbsolutePath().normalize();
        Path config = Files.writeString(dir.resolve("example.conf"),
                example.replace(include, "include required(\"" + base + "\")"));
        for (String split : new String[] {"train", "val"}) {
            for (String cls : new String[] {"daisy", "dandelion", "rose", "sunflower", "tulip"}) {
                Path folder = Files.createDirectories(dir.resolve("flowers").resolve(split).resolve(cls));
                ImageIO.write(new BufferedImage(80, 70, BufferedImage.TYPE_3BYTE_BGR), "png",
                        folder.resolve("a.png").toFile());
            }
        }
        CliRun.Result r = CliRun.run("train", config.toString(), "--dry-run", "--work-dir", dir.resolve("work").toString(),
                "--set", "vars.root=\"" + dir.resolve("flowers") + "\"");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(dir.resolve("work").resolve("param_groups.json")));
    }
}
