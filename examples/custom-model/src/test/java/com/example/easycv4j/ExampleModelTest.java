package com.example.easycv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.easycv4j.tools.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example jar's model is found through META-INF/services and trains from a config, as a user's would. */
class ExampleModelTest {

    @Test
    void theLauncherListsAndTrainsTheModelFromThisJar(@TempDir Path dir) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(0, Main.run("list", "model"));
        } finally {
            System.setOut(old);
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("TinyConvNet"), out.toString());

        int code = Main.run("train", "configs/tiny_convnet_synthetic.conf", "--work-dir", dir.toString(),
                "--set", "progress=off");
        assertEquals(0, code);
        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        JsonObject last = JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
        assertEquals("val", last.get("mode").getAsString());
        assertTrue(last.get("top1").getAsDouble() > 50, "it learns: chance is 25%: " + last);
        assertTrue(Files.isDirectory(dir.resolve("epoch_3")));
    }
}
