package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the command line in-process with its standard output and error captured, for launcher tests. */
final class CliRun {
    private CliRun() {}

    /** What a command line returned and printed. */
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Runs a command line that must succeed; returns its standard output. */
    static String out(String... args) {
        Result r = run(args);
        assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err());
        return r.out();
    }
}
