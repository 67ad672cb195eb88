package org.easycv4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration never fetches from the network, a stored one is data (no includes, no environment), and a
 * value taken from an environment variable is recorded by the variable's name, not in clear.
 */
class UntrustedConfigTest {
    @TempDir
    Path dir;

    HttpServer server;
    final AtomicInteger fetched = new AtomicInteger();
    String url;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            fetched.incrementAndGet();
            byte[] body = "lr = 666\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/evil.conf";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static String message(ConfigValidationException e) {
        return e.problems().toString();
    }

    @Test
    void aTrainingConfigIncludingAnUrlIsRefusedAndNothingIsFetched() throws IOException {
        for (String include : List.of("include url(\"" + url + "\")", "include \"" + url + "\"",
                "include required(url(\"" + url + "\"))")) {
            Path f = write("train.conf", include + "\nlr = 0.1\n");
            ConfigValidationException e = assertThrows(ConfigValidationException.class,
                    () -> new ConfigLoader().load(f, List.of(), new Properties()), include);
            assertTrue(message(e).contains("include of " + url + " refused"), message(e));
        }
        // through an included file too: the rule holds at every level
        write("base.conf", "include url(\"" + url + "\")\n");
        Path child = write("child.conf", "include \"base.conf\"\nlr = 0.1\n");
        ConfigValidationException nested = assertThrows(ConfigValidationException.class,
                () -> new ConfigLoader().load(child, List.of(), new Properties()));
        assertTrue(message(nested).contains("refused"), message(nested));
        assertEquals(0, fetched.get(), "the server was never asked");
    }

    @Test
    void fileAndClasspathIncludesStillWork() throws IOException {
        write("local.conf", "lr = 0.25\n");
        Path f = write("train.conf", "include \"local.conf\"\ninclude file(\"" + dir.resolve("local.conf")
                + "\")\ninclude url(\"" + dir.resolve("local.conf").toUri() + "\")\nmomentum = 0.5\n");
        Config c = new ConfigLoader().load(f, List.of(), new Properties());
        assertEquals(0.25, c.getDouble("lr"), 0.0);
        assertEquals(0.5, c.getDouble("momentum"), 0.0);
        // reference.conf comes from the class path, as every module's defaults do
        assertEquals("auto", c.getString("device"));
    }

    @Test
    void anEnvironmentValueIsUsedButRecordedByName() throws IOException {
        Path f = write("train.conf", "token = ${?SECRET_TOKEN}\npath = ${?SECRET_TOKEN}\"/sub\"\n"
                + "names = [a, ${?SECRET_TOKEN}]\nplain = visible\nunset = ${?NOT_SET_ANYWHERE}\n");
        Config c = new ConfigLoader(getClass().getClassLoader(), Map.of("SECRET_TOKEN", "s3cr3t"))
                .load(f, List.of(), new Properties());
        assertEquals("s3cr3t", c.getString("token"), "the run itself gets the value");
        assertEquals("s3cr3t/sub", c.getString("path"));
        assertEquals(List.of("a", "s3cr3t"), c.getStringList("names"));
        assertFalse(c.hasPath("unset"));

        String rendered = ConfigLoader.render(c);
        assertFalse(rendered.contains("s3cr3t"), rendered);
        Config back = ConfigLoader.parseStored(rendered, "rendered");
        assertEquals("<environment variable SECRET_TOKEN>", back.getString("token"));
        assertEquals("<environment variable SECRET_TOKEN>", back.getString("path"));
        assertEquals(List.of("a", "<environment variable SECRET_TOKEN>"), back.getStringList("names"));
        assertEquals("visible", back.getString("plain"));
    }

    @Test
    void aStoredConfigFollowsNoIncludeAndReadsNoEnvironmentOrProperty() {
        String home = System.getenv("HOME");
        assertTrue(home != null && System.getProperty("user.home") != null, "the test needs HOME and user.home");
        Config c = ConfigLoader.parseStored("a = ${?HOME}\nb = ${?user.home}\nc = 1\nd = ${c}\n", "state.json");
        assertFalse(c.hasPath("a"), "no environment variable");
        assertFalse(c.hasPath("b"), "no system property");
        assertEquals(1, c.getInt("d"), "references inside the text still resolve");

        for (String include : List.of("include url(\"" + url + "\")", "include \"" + url + "\"",
                "include file(\"/etc/hostname\")", "include \"other.conf\"", "include classpath(\"reference.conf\")")) {
            ConfigValidationException e = assertThrows(ConfigValidationException.class,
                    () -> ConfigLoader.parseStored(include + "\nx = 1\n", "export/config.conf"), include);
            assertTrue(message(e).contains("export/config.conf") && message(e).contains("refused"), message(e));
        }
        assertEquals(0, fetched.get(), "the server was never asked");
    }
}
