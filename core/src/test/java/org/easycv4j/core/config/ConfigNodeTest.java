package org.easycv4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigNodeTest {

    private static ConfigNode parse(String hocon) {
        return ConfigNode.root(ConfigFactory.parseString(hocon,
                ConfigParseOptions.defaults().setOriginDescription("test.conf")).resolve());
    }

    @Test
    void readsTypedValuesAndFallbacks() {
        ConfigNode n = parse("a = 3\nb = 2.5\nc = true\nd = [1, 2]\ne = x\nf = [p, q]\ng = {h = 1}");
        assertEquals(3, n.integer("a"));
        assertEquals(2.5, n.number("b"), 0.0);
        assertTrue(n.bool("c", false));
        assertEquals(List.of(1.0, 2.0), n.numbers("d", List.of()));
        assertEquals("x", n.string("e"));
        assertEquals(List.of("p", "q"), n.strings("f", List.of()));
        assertEquals(1, n.object("g").integer("h"));
        assertEquals(9, n.integer("absent", 9));
        assertEquals(List.of("x"), n.stringOrList("e", List.of()));
        n.finish();
        assertTrue(n.problems().isEmpty(), n.problems().list().toString());
    }

    @Test
    void aFractionForAnIntegerKeyIsRefusedNotTruncated() {
        ConfigNode n = parse("total_epochs = 2.5\nimgs_per_gpu = \"3.7\"\nworkers = 4.0\nsteps = 1.5");
        assertEquals(0, n.integer("total_epochs"));
        assertEquals(1, n.integer("imgs_per_gpu", 1));
        assertEquals(4, n.integer("workers"));
        assertEquals(0L, n.longValue("steps"));
        List<ConfigProblem> problems = n.problems().list();
        assertEquals(3, problems.size(), problems.toString());
        assertEquals("total_epochs", problems.get(0).path());
        assertEquals("expected an integer, got number 2.5", problems.get(0).message());
        assertEquals("imgs_per_gpu", problems.get(1).path());
        assertEquals("expected an integer, got string \"3.7\"", problems.get(1).message());
        assertEquals("steps", problems.get(2).path());
    }

    @Test
    void aFractionInAnIntegerListIsRefusedNotTruncated() {
        ConfigNode n = parse("input_shape = [3, 22.5, 224]\nsizes = [\"4\", 8.0]\nother = [1, 2.5]");
        assertEquals(List.of(), n.integers("input_shape", List.of()));
        assertEquals(List.of(4, 8), n.integers("sizes", List.of()));
        List<ConfigProblem> problems = n.problems().list();
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("input_shape", problems.get(0).path());
        assertEquals("expected a list of integers, got list [3,22.5,224]", problems.get(0).message());
    }

    @Test
    void wrongTypeNamesPathLineAndWhatWasExpected() {
        ConfigNode n = parse("model {\n  depth = twelve\n}");
        ConfigNode m = n.object("model");
        assertEquals(0, m.integer("depth"));
        ConfigProblem p = n.problems().list().get(0);
        assertEquals("model.depth", p.path());
        assertEquals("test.conf: 2", p.location());
        assertEquals("expected an integer, got string \"twelve\"", p.message());
    }

    @Test
    void missingRequiredKeyPointsAtTheEnclosingObject() {
        ConfigNode n = parse("x = 1\noptimizer {\n  type = SGD\n}");
        n.object("optimizer").number("lr");
        ConfigProblem p = n.problems().list().get(0);
        assertEquals("optimizer.lr", p.path());
        assertEquals("test.conf: 2", p.location());
        assertTrue(p.message().startsWith("missing required key"), p.message());
    }

    @Test
    void unknownKeysAreReportedWithTheClosestKnownKey() {
        ConfigNode n = parse("hidden = 3\nhiden = 4\nzzz = 1");
        n.integer("hidden", 1);
        n.integer("layers", 1);
        n.finish();
        List<ConfigProblem> ps = n.problems().list();
        assertEquals(2, ps.size(), ps.toString());
        assertEquals("hiden", ps.get(0).path());
        assertTrue(ps.get(0).message().startsWith("unknown key; did you mean \"hidden\"?"), ps.get(0).message());
        assertEquals("zzz", ps.get(1).path());
        assertTrue(ps.get(1).message().startsWith("unknown key (known keys: hidden, layers)"), ps.get(1).message());
    }

    @Test
    void aFailedValueIsNotReportedAgainByItsRangeCheck() {
        ConfigNode n = parse("lr = fast");
        double lr = n.number("lr");
        n.check(lr > 0, "lr", "expected lr > 0");
        assertEquals(1, n.problems().list().size(), n.problems().list().toString());
    }

    @Test
    void listsOfObjectsCarryTheirIndexInThePath() {
        ConfigNode n = parse("pipeline = [{type = A}, 3, {type = B, size = x}]");
        List<ConfigNode> items = n.objects("pipeline");
        assertEquals(2, items.size());
        assertEquals("pipeline[0]", items.get(0).path());
        assertEquals("pipeline[2]", items.get(1).path());
        items.get(1).integer("size");
        List<String> paths = n.problems().list().stream().map(ConfigProblem::path).toList();
        assertEquals(List.of("pipeline[1]", "pipeline[2].size"), paths);
    }

    @Test
    void listsOfListsOfObjectsCarryBothIndicesInThePath() {
        ConfigNode n = parse("policies = [[{type = A}, {type = B}], 7, [{type = C}, x]], flat = [{type = D}]");
        List<List<ConfigNode>> subs = n.objectLists("policies");
        assertEquals(2, subs.size());
        assertEquals(List.of("policies[0][0]", "policies[0][1]"), subs.get(0).stream().map(ConfigNode::path).toList());
        assertEquals("policies[2][0]", subs.get(1).get(0).path());
        assertEquals("C", subs.get(1).get(0).string("type"));
        n.objectLists("flat");
        assertTrue(n.objectLists("absent").isEmpty());
        List<String> paths = n.problems().list().stream().map(ConfigProblem::path).toList();
        assertEquals(List.of("policies[1]", "policies[2][1]", "flat[0]"), paths);
    }

    @Test
    void choiceRejectsOthersWithASuggestion() {
        ConfigNode n = parse("interp = bicubc");
        assertEquals("bilinear", n.choice("interp", "bilinear", List.of("bilinear", "bicubic")));
        assertTrue(n.problems().list().get(0).message().endsWith("did you mean \"bicubic\"?"));
    }

    private enum Shade {
        LIGHT, DARK_GREY
    }

    @Test
    void enumChoiceReadsLowerCaseNamesAndReportsOthers() {
        ConfigNode n = parse("a = dark_grey, b = drak_grey");
        assertEquals(Shade.DARK_GREY, n.choice("a", Shade.LIGHT));
        assertEquals(Shade.LIGHT, n.choice("missing", Shade.LIGHT));
        assertEquals(Shade.DARK_GREY, n.choice("a", Shade.class));
        assertTrue(n.problems().list().isEmpty(), n.problems().list().toString());
        assertEquals(Shade.LIGHT, n.choice("b", Shade.LIGHT));
        n.choice("absent", Shade.class);
        List<String> messages = n.problems().list().stream().map(p -> p.path() + ": " + p.message()).toList();
        assertEquals(2, messages.size(), messages.toString());
        assertTrue(messages.get(0).startsWith("b: expected one of [light, dark_grey], got \"drak_grey\""), messages.get(0));
        assertTrue(messages.get(0).endsWith("did you mean \"dark_grey\"?"), messages.get(0));
        assertTrue(messages.get(1).startsWith("absent: missing"), messages.get(1));
    }

    @Test
    void optionalObjectOfTheWrongTypeIsReported() {
        ConfigNode n = parse("grad_clip = 3");
        assertEquals(Optional.empty(), n.optObject("grad_clip"));
        assertEquals("expected an object, got number 3", n.problems().list().get(0).message());
    }

    /** What tools/list --keys prints: every key a parser reads, with its expectation and default, nested too. */
    @Test
    void describingRecordsEveryKeyTheParserReads() {
        ConfigNode n = ConfigNode.describing("type", "Crop");
        n.integer("size");
        n.numbers("scale", List.of(0.08, 1.0));
        n.choice("interpolation", "bilinear", List.of("bilinear", "bicubic"));
        n.integerAtLeast("count", 1, 1);
        n.has("fill"); // read only when present
        n.optObject("mixup").ifPresent(m -> m.number("alpha", 0.8));
        List<ConfigNode.KeyInfo> keys = n.describedKeys();
        assertEquals(List.of(
                new ConfigNode.KeyInfo("size", "an integer", null),
                new ConfigNode.KeyInfo("scale", "a list of numbers", "[0.08, 1.0]"),
                new ConfigNode.KeyInfo("interpolation", "one of bilinear, bicubic", "\"bilinear\""),
                new ConfigNode.KeyInfo("count", "an integer >= 1", "1"),
                new ConfigNode.KeyInfo("fill", "optional", ""),
                new ConfigNode.KeyInfo("mixup", "an object", ""),
                new ConfigNode.KeyInfo("mixup.alpha", "a number", "0.8")), keys);
        assertTrue(keys.get(0).required());
        assertTrue(ConfigNode.root(ConfigFactory.empty()).describedKeys().isEmpty(), "ordinary nodes record nothing");
    }
}
