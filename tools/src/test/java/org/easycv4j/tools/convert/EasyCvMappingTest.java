package org.easycv4j.tools.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.easycv4j.tools.convert.PyValue.Dict;
import org.easycv4j.tools.convert.PyValue.Loc;
import org.easycv4j.tools.convert.PyValue.PyList;
import org.junit.jupiter.api.Test;

class EasyCvMappingTest {

    private static Dict mapped(String src, EasyCvMapping.Context ctx) {
        PyConfigParser.Result r = PyConfigParser.parse("m.py", src);
        assertEquals(List.of(), r.problems());
        return EasyCvMapping.apply(new Dict(r.names(), new Loc("m.py", 1)), ctx);
    }

    /** EasyCV's tools/train.py turns a top-level ema into EMAHook(decay): here an EMAHook in custom_hooks. */
    @Test
    void aTopLevelEmaBecomesAnEmaHookAfterTheCustomHooks() {
        EasyCvMapping.Context ctx = new EasyCvMapping.Context();
        Dict d = mapped("custom_hooks = [dict(type='TextLoggerHook')]\nema = dict(decay=0.99996, momentum=1)\n", ctx);
        assertNull(d.get("ema"));
        List<PyValue> hooks = ((PyList) d.get("custom_hooks")).items();
        assertEquals(2, hooks.size());
        Dict ema = (Dict) hooks.get(1);
        assertEquals("EMAHook", ema.typeName());
        assertEquals(0.99996, ((PyValue.Float) ema.get("decay")).value());
        assertEquals(List.of("type", "decay"), List.copyOf(ema.map().keySet()));
        assertEquals(1, ctx.notes.size());
        assertTrue(ctx.notes.get(0).toString().contains("ema.momentum: EasyCV's tools/train.py reads only ema.decay"),
                ctx.notes.toString());
        Dict none = mapped("ema = dict(decay=0.9)\n", new EasyCvMapping.Context());
        assertEquals(1, ((PyList) none.get("custom_hooks")).items().size(), "custom_hooks made when absent");
    }
}
