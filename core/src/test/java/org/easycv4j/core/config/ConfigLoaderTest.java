package org.easycv4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.easycv4j.core.testing.Fixtures;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    private Config load(String name, List<String> sets, Properties props) {
        return loader.load(Fixtures.config(name), sets, props);
    }

    private Config load(String name, String... sets) {
        return load(name, List.of(sets), new Properties());
    }

    @Test
    void childMergesIntoItsBaseAndReplacesLists() {
        Config c = load("child.conf");
        assertEquals(0.2, c.getDouble("optimizer.lr"), 0.0);
        assertEquals(0.9, c.getDouble("optimizer.momentum"), 0.0, "objects merge key by key");
        assertEquals("SGD", c.getString("optimizer.type"));
        assertEquals(List.of("d"), c.getStringList("vars.more.tags"), "lists are replaced whole, as in EasyCV");
    }

    @Test
    void substitutionsResolveAfterTheChildAndAfterOverrides() {
        assertEquals("work_dirs/child", load("child.conf").getString("work_dir"));
        assertEquals("work_dirs/cli", load("child.conf", "vars.name=cli").getString("work_dir"));
        assertEquals(8, load("base.conf", "vars.features=8").getInt("model.in_features"));
        assertEquals(8, load("base.conf", "vars.features=8").getInt("data.train.in_features"));
    }

    @Test
    void overridesAreParsedAsHoconAndLaterOnesWin() {
        Config c = load("base.conf", "optimizer.lr=1e-3", "vars.more.tags=[x, y]", "optimizer.lr=2e-3",
                "model={type=TestLinear, in_features=2}");
        assertEquals(2e-3, c.getDouble("optimizer.lr"), 0.0);
        assertEquals(List.of("x", "y"), c.getStringList("vars.more.tags"));
        assertEquals(2, c.getInt("model.in_features"));
    }

    @Test
    void referenceConfSuppliesRunDefaults() {
        Config c = load("base.conf");
        assertEquals("auto", c.getString("device"));
        assertEquals(0, c.getLong("seed"));
        assertEquals(1, c.getInt("optimizer_config.update_interval"));
    }

    @Test
    void systemPropertiesOverrideOnlyKnownTopLevelKeys() {
        Properties props = new Properties();
        props.setProperty("total_epochs", "7");
        props.setProperty("vars.name", "prop");
        props.setProperty("java.version", "17");
        props.setProperty("user.home", "/somewhere");
        Config c = load("base.conf", List.of(), props);
        assertEquals(7, c.getInt("total_epochs"), "-D values are parsed as HOCON, so numbers stay numbers");
        assertEquals("work_dirs/prop", c.getString("work_dir"));
        assertFalse(c.hasPath("java"), "the JVM's own properties must not leak into the config");
        assertFalse(c.hasPath("user"));
        Properties both = new Properties();
        both.setProperty("total_epochs", "7");
        assertEquals(9, load("base.conf", List.of("total_epochs=9"), both).getInt("total_epochs"),
                "--set wins over -D");
    }

    @Test
    void nullThenRedefinitionReplacesAWholeObject() {
        Config c = load("null_replace.conf");
        assertEquals("AdamW", c.getString("optimizer.type"));
        assertFalse(c.hasPath("optimizer.momentum"), "the base's keys are gone");
    }

    @Test
    void overridingWithNullThenAnObjectReplacesTheWholeObject() {
        Config merged = load("base.conf", "optimizer={type=AdamW, lr=0.05}");
        assertEquals(0.9, merged.getDouble("optimizer.momentum"), 0.0, "an object override merges");
        Config replaced = load("base.conf", "optimizer=null", "optimizer={type=AdamW, lr=0.05}");
        assertFalse(replaced.hasPath("optimizer.momentum"), "null first: the whole object is replaced");
        assertEquals("AdamW", replaced.getString("optimizer.type"));
    }

    @Test
    void missingRequiredIncludeNamesTheFile() {
        ConfigValidationException e = assertThrows(ConfigValidationException.class,
                () -> load("error_missing_include.conf"));
        assertTrue(e.getMessage().contains("no_such_base.conf"), e.getMessage());
    }

    @Test
    void syntaxErrorNamesFileAndLine() {
        ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> load("error_syntax.conf"));
        ConfigProblem p = e.problems().get(0);
        assertTrue(p.location().endsWith("error_syntax.conf:4"), p.toString());
    }

    @Test
    void unresolvedSubstitutionNamesFileAndLine() {
        ConfigValidationException e = assertThrows(ConfigValidationException.class,
                () -> load("error_unresolved.conf"));
        ConfigProblem p = e.problems().get(0);
        assertTrue(p.location().endsWith("error_unresolved.conf:2"), p.toString());
        assertTrue(p.message().contains("vars.learning_rate"), p.toString());
    }

    @Test
    void missingFileAndBadOverrideAreReported() {
        ConfigValidationException missing = assertThrows(ConfigValidationException.class,
                () -> loader.load(Path.of("nope/none.conf"), List.of(), new Properties()));
        assertEquals("nope/none.conf: config file not found (expected a .conf HOCON file)",
                missing.problems().get(0).toString());
        ConfigValidationException bad = assertThrows(ConfigValidationException.class,
                () -> load("base.conf", "optimizer.lr", "x=[1,"));
        assertEquals(2, bad.problems().size(), bad.getMessage());
        assertTrue(bad.problems().get(0).message().contains("expected key=value"), bad.getMessage());
        assertTrue(bad.problems().get(1).location().equals("--set x=[1,"), bad.getMessage());
    }
}
