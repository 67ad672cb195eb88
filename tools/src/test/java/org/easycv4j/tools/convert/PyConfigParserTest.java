package org.easycv4j.tools.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.tools.convert.PyValue.Bool;
import org.easycv4j.tools.convert.PyValue.Dict;
import org.easycv4j.tools.convert.PyValue.Float;
import org.easycv4j.tools.convert.PyValue.Int;
import org.easycv4j.tools.convert.PyValue.None;
import org.easycv4j.tools.convert.PyValue.PyList;
import org.easycv4j.tools.convert.PyValue.Str;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PyConfigParserTest {

    private static Map<String, PyValue> parse(String src) {
        PyConfigParser.Result r = PyConfigParser.parse("t.py", src);
        assertEquals(List.of(), r.problems(), src);
        return r.names();
    }

    private static Object plain(PyValue v) {
        if (v instanceof Dict d) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            d.map().forEach((k, x) -> m.put(k, plain(x)));
            return m;
        }
        if (v instanceof PyList l) {
            return l.items().stream().map(PyConfigParserTest::plain).toList();
        }
        if (v instanceof Str s) {
            return s.value();
        }
        if (v instanceof Int i) {
            return i.value();
        }
        if (v instanceof Float f) {
            return f.value();
        }
        if (v instanceof Bool b) {
            return b.value();
        }
        return v instanceof None ? "None" : v;
    }

    /** Values as Python computes them (checked with CPython 3). */
    @Test
    void literalsNamesAndArithmetic() {
        Map<String, PyValue> n = parse("""
                '''A docstring.'''
                a = 1.5e-4 * 4096 / 256  # comment
                c = -7 // 2
                d = -7 % 3
                e = 2 ** 10
                f = 0.65 ** 13
                g = int((256 / 224) * 224)
                h = 'a' 'b' + "c"
                i = r'\\.0\\.'
                j = '\\\\.0\\\\.'
                k = '\\.'
                lst = [1, 2] * 2
                one = (1,)
                empty = ()
                x = dict(a=1, b=(0.2, 1.))
                y = dict(x, b=2)
                z = {'k': True, **x, 'n': None}
                data = dict(val=dict(p=3))
                q = data['val']
                r = lst[-1]
                s = 4.
                t = 0x10 + 1_000
                u = 1e-3 * (64 * 8 * 2) / 256
                long_call = dict(
                    a=1,  # a comment inside brackets
                    b=[
                        2,
                    ],
                )
                """);
        assertEquals(1.5e-4 * 4096 / 256, ((Float) n.get("a")).value());
        assertEquals(-4L, plain(n.get("c")));
        assertEquals(2L, plain(n.get("d")));
        assertEquals(1024L, plain(n.get("e")));
        assertEquals(Math.pow(0.65, 13), plain(n.get("f")));
        assertEquals(256L, plain(n.get("g")));
        assertEquals("abc", plain(n.get("h")));
        assertEquals("\\.0\\.", plain(n.get("i")));
        assertEquals("\\.0\\.", plain(n.get("j")));
        assertEquals("\\.", plain(n.get("k"))); // Python keeps an unknown escape as written
        assertEquals(List.of(1L, 2L, 1L, 2L), plain(n.get("lst")));
        assertEquals(List.of(1L), plain(n.get("one")));
        assertEquals(List.of(), plain(n.get("empty")));
        assertEquals(Map.of("a", 1L, "b", List.of(0.2, 1.0)), plain(n.get("x")));
        assertEquals(Map.of("a", 1L, "b", 2L), plain(n.get("y")));
        assertEquals(List.of("k", "a", "b", "n"), List.copyOf(((Dict) n.get("z")).map().keySet()));
        assertEquals("None", plain(((Dict) n.get("z")).get("n")));
        assertSame(((Dict) n.get("data")).get("val"), n.get("q")); // the same object: a substitution later
        assertSame(((Dict) n.get("x")).get("b"), ((Dict) n.get("z")).get("b"));
        assertEquals(2L, plain(n.get("r")));
        assertEquals(4.0, plain(n.get("s")));
        assertEquals(1016L, plain(n.get("t")));
        assertEquals(0.004, plain(n.get("u")));
        assertEquals(Map.of("a", 1L, "b", List.of(2L)), plain(n.get("long_call")));
        assertEquals(24, n.get("long_call").loc().line());
    }

    /** Every construct outside the subset is reported at its line; parsing goes on after each. */
    @Test
    void constructsOutsideTheSubsetAreListedWithTheirLines() {
        PyConfigParser.Result r = PyConfigParser.parse("bad.py", String.join("\n",
                "import os",                        // 1
                "x = 1",                            // 2
                "if x:",                            // 3
                "    y = 2",                        // 4
                "z = foo(1)",                       // 5
                "w = x.real",                       // 6
                "v = undefined",                    // 7
                "u = (i for i in [1, 2])",          // 8
                "t = b'x'",                         // 9
                "x += 1",                           // 10
                "s = {1, 2}",                       // 11
                "d = dict(a=1)",                    // 12
                "d['a'] = 2",                       // 13
                "c = 1 if x else 2",                // 14
                "k = {1: 'a'}",                     // 15
                "ok = x * 3",                       // 16
                "again = z",                        // 17
                ""));
        List<String> p = r.problems().stream().map(Object::toString).toList();
        assertEquals(13, p.size(), p.toString()); // line 4 is the if's body
        assertTrue(p.get(0).startsWith("bad.py:1: 'import'"), p.get(0));
        assertTrue(p.get(1).startsWith("bad.py:3: 'if' statement"), p.get(1));
        assertTrue(p.get(2).startsWith("bad.py:5: call of 'foo'"), p.get(2));
        assertTrue(p.get(3).startsWith("bad.py:6: attribute access '.real'"), p.get(3));
        assertTrue(p.get(4).startsWith("bad.py:7: name 'undefined' is not assigned earlier"), p.get(4));
        assertTrue(p.get(5).startsWith("bad.py:8: comprehensions"), p.get(5));
        assertTrue(p.get(6).startsWith("bad.py:9: bytes literals"), p.get(6));
        assertTrue(p.get(7).startsWith("bad.py:10: augmented assignment '+='"), p.get(7));
        assertTrue(p.get(8).startsWith("bad.py:11: sets"), p.get(8));
        assertTrue(p.get(9).startsWith("bad.py:13: expected 'name = value'") && p.get(9).contains("assigning into"),
                p.get(9));
        assertTrue(p.get(10).startsWith("bad.py:14: 'if' expression"), p.get(10));
        assertTrue(p.get(11).startsWith("bad.py:15: dict keys must be strings"), p.get(11));
        assertTrue(p.get(12).startsWith("bad.py:17: uses 'z', whose assignment (line 5) is not translated"),
                p.get(12));
        assertEquals(3L, plain(r.names().get("ok")));
        PyConfigParser.Result unterminated = PyConfigParser.parse("u.py", "a = 1\nb = 'abc\n");
        assertEquals("u.py:2: unterminated string", unterminated.problems().get(0).toString());
    }

    /**
     * The side-effect-free Python of EasyCV's configs: comprehensions, f-strings, str.format and %, slices,
     * '*' in a list, range / len / round, str and dict methods. The expected reprs are CPython 3's output for
     * the same file.
     */
    @Test
    void comprehensionsFormattingAndBuiltinsGiveCPythonsValues() {
        Map<String, PyValue> n = parse("""
                img_norm_cfg = dict(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
                mean = [x * 255 for x in img_norm_cfg['mean']]
                pad = [round(x * 255) for x in img_norm_cfg['mean'][::-1]]
                fill = [x * 255 for x in img_norm_cfg['std'][::-1]]
                data_root = 'data/coco'
                ann = f'{data_root}/annotations/train.json'
                split_at = [*range(0, 10, 4), 10]
                names = ['part%d' % i for i in range(len(split_at))] + ['val']
                table = {k: v * 2 for k, v in dict(a=1, b=2).items()}
                pairs = [[i, j] for i in range(2) for j in range(i, 3)]
                s = '{}-{:.2f}-{name}'.format('a', 0.125, name='n')
                u = 'A,b'.lower().split(',')
                j = '/'.join(['x', 'y'])
                fmt = f'{0.1 + 0.2!r} {3:03d} {1e-5} {1e16} {[1, "a"]} {{x}} {2.5:.0f} {True}'
                channels = list(range(3))
                half = [round(0.5), round(1.5), round(2.675, 2), 7 // 2]
                sl = [list(range(6))[1:5:2], 'abcdef'[-2:], list(range(5))[::-2]]
                """);
        String cpython = """
                mean [123.675, 116.28, 103.53]
                pad [104, 116, 124]
                fill [57.375, 57.120000000000005, 58.395]
                ann 'data/coco/annotations/train.json'
                split_at [0, 4, 8, 10]
                names ['part0', 'part1', 'part2', 'part3', 'val']
                table {'a': 2, 'b': 4}
                pairs [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2]]
                s 'a-0.12-n'
                u ['a', 'b']
                j 'x/y'
                fmt "0.30000000000000004 003 1e-05 1e+16 [1, 'a'] {x} 2 True"
                channels [0, 1, 2]
                half [0, 2, 2.67, 3]
                sl [[1, 3], 'ef', [4, 2, 0]]
                """;
        for (String line : cpython.strip().split("\n")) {
            String name = line.substring(0, line.indexOf(' '));
            assertEquals(line.substring(name.length() + 1), PyFormat.repr(n.get(name)), name);
        }
        assertEquals(Int.class, ((PyList) n.get("pad")).items().get(0).getClass(), "round(x) is an int");
    }

    /** Constructs still outside the subset keep their file:line refusals. */
    @Test
    void whatTheEvaluatorDoesNotKnowIsStillRefusedWithItsLine() {
        PyConfigParser.Result r = PyConfigParser.parse("e.py", String.join("\n",
                "a = [i for i in range(3) if i]",   // 1
                "b = f'{open(\"x\")}'",              // 2
                "c = 'x'.encode()",                  // 3
                "d = [i for i in 5]",                // 4
                "e = f'{a!x}'",                      // 5
                "f = '%q' % 1",                      // 6
                "g = (i for i in [1])",              // 7
                "h = [j for j in [1]] + [j]",        // 8
                ""));
        List<String> p = r.problems().stream().map(Object::toString).toList();
        assertEquals(8, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("e.py:1: comprehensions with an 'if' filter"), p.get(0));
        assertTrue(p.get(1).startsWith("e.py:2: call of 'open'"), p.get(1));
        assertTrue(p.get(2).startsWith("e.py:3: str.encode(): outside"), p.get(2));
        assertTrue(p.get(3).startsWith("e.py:4: 'int' object is not iterable"), p.get(3));
        assertTrue(p.get(4).startsWith("e.py:5: uses 'a', whose assignment (line 1)"), p.get(4));
        assertTrue(p.get(5).startsWith("e.py:6: format '%q'"), p.get(5));
        assertTrue(p.get(6).startsWith("e.py:7: comprehensions"), p.get(6));
        assertTrue(p.get(7).startsWith("e.py:8: name 'j' is not assigned earlier"), p.get(7));
    }

    /** mmcv's merge: dicts merge key by key, lists and scalars replace, _delete_ replaces a dict. */
    @Test
    void baseFilesMergeAsInEasyCv(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("base.py"), """
                model = dict(type='A', backbone=dict(depth=12, width=8), neck=dict(x=1))
                lst = [1, 2]
                opt = dict(type='SGD', lr=0.1, momentum=0.9)
                keep = 'base'
                """);
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/child.py"), """
                _base_ = '../base.py'
                model = dict(backbone=dict(depth=6), neck=dict(_delete_=True, y=2))
                lst = [3]
                opt = dict(_delete_=True, type='AdamW', lr=1e-3)
                extra = dict(_delete_=True, a=1)
                """);
        EasyCvConfigReader.Result r = EasyCvConfigReader.read(dir.resolve("sub/child.py"), Optional.empty());
        assertEquals(List.of(), r.problems());
        Dict d = r.config();
        assertEquals(List.of("model", "lst", "opt", "keep", "extra"), List.copyOf(d.map().keySet()));
        assertEquals(Map.of("type", "A", "backbone", Map.of("depth", 6L, "width", 8L), "neck", Map.of("y", 2L)),
                plain(d.get("model")));
        assertEquals(List.of(3L), plain(d.get("lst")));
        assertEquals(Map.of("type", "AdamW", "lr", 1e-3), plain(d.get("opt")));
        assertEquals(Map.of("a", 1L), plain(d.get("extra")));
        assertEquals("base", plain(d.get("keep")));
    }

    @Test
    void baseFileProblemsNameTheFileAndLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.py"), "x = 1\nm = 2\n");
        Files.writeString(dir.resolve("b.py"), "x = 3\n");
        Files.writeString(dir.resolve("c.py"), "_base_ = ['a.py', 'b.py']\nm = dict(k=1)\n");
        Files.writeString(dir.resolve("d.py"), "y = 0\n_base_ = 'missing.py'\n");
        List<String> c = EasyCvConfigReader.read(dir.resolve("c.py"), Optional.empty()).problems().stream()
                .map(Object::toString).toList();
        assertEquals(2, c.size(), c.toString());
        assertTrue(c.get(0).endsWith("c.py:1: duplicate key 'x' among the _base_ files (EasyCV rejects it too)"),
                c.get(0));
        assertTrue(c.get(1).contains("c.py:2: m is a dict here but a int in the _base_ file")
                && c.get(1).contains("a.py:2") && c.get(1).contains("_delete_=True"), c.get(1));
        List<String> d = EasyCvConfigReader.read(dir.resolve("d.py"), Optional.empty()).problems().stream()
                .map(Object::toString).toList();
        assertEquals(1, d.size(), d.toString());
        assertTrue(d.get(0).endsWith("d.py:2: _base_ file missing.py not found next to " + d.get(0)
                .substring(0, d.get(0).indexOf(':'))), d.get(0));
    }
}
