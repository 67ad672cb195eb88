package org.easycv4j.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.easycv4j.core.model.ParameterNames;
import org.easycv4j.core.model.NamedParameter;
import org.junit.jupiter.api.Test;

/** The one weight-loading routine: matching, shape checks, leftovers, policies, all-or-nothing copying. */
class WeightLoaderTest {
    private static List<NamedParameter> linear(NDManager m) {
        Linear l = Linear.builder().setUnits(3).build();
        l.initialize(m, DataType.FLOAT32, new Shape(1, 2));
        return ParameterNames.of(l);
    }

    private static NDArray param(List<NamedParameter> params, String name) {
        return params.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().parameter().getArray();
    }

    @Test
    void strictCopiesEverythingOrNothing() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            List<NamedParameter> params = linear(m);
            float[] before = param(params, "weight").toFloatArray();
            Map<String, NDArray> file = new LinkedHashMap<>();
            file.put("weight", m.arange(6f).reshape(3, 2));
            file.put("bias", m.create(new float[] {7, 8, 9}));
            file.put("extra", m.zeros(new Shape(1)));
            WeightLoadException e = assertThrows(WeightLoadException.class,
                    () -> WeightLoader.load("f.safetensors", file, params, LoadPolicy.STRICT));
            assertTrue(e.getMessage().startsWith("f.safetensors does not match the model: ")
                    && e.getMessage().contains("unexpected extra"), e.getMessage());
            assertArrayEquals(before, param(params, "weight").toFloatArray(), "nothing written on failure");

            file.remove("extra");
            file.put("bias", m.zeros(new Shape(4)));
            e = assertThrows(WeightLoadException.class,
                    () -> WeightLoader.load("f", file, params, LoadPolicy.STRICT));
            assertTrue(e.getMessage().contains("bias has shape (4) in the file, (3) in the model"), e.getMessage());
            file.remove("bias");
            e = assertThrows(WeightLoadException.class, () -> WeightLoader.load("f", file, params, LoadPolicy.STRICT));
            assertTrue(e.getMessage().contains("missing bias (3)"), e.getMessage());

            file.put("bias", m.create(new float[] {7, 8, 9}));
            LoadReport r = WeightLoader.load("f", file, params, LoadPolicy.STRICT);
            assertEquals(List.of("weight", "bias"), r.loaded());
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, param(params, "weight").toFloatArray());
            assertArrayEquals(new float[] {7, 8, 9}, param(params, "bias").toFloatArray());
        }
    }

    @Test
    void policyDecidesMissingIgnoredUnexpectedAndAdapted() throws Exception {
        LoadPolicy lenient = new LoadPolicy() {
            @Override
            public boolean mayBeMissing(String name, Set<String> fileKeys) {
                return name.equals("bias") && !fileKeys.contains("keep_bias");
            }

            @Override
            public boolean ignorable(String key) {
                return key.startsWith("decoder.");
            }

            @Override
            public boolean unexpectedIsError() {
                return false;
            }

            @Override
            public NDArray adapt(String name, NDArray src, Shape target) {
                return name.equals("weight") ? src.get(":3, :") : null;
            }
        };
        try (NDManager m = NDManager.newBaseManager()) {
            List<NamedParameter> params = linear(m);
            Map<String, NDArray> file = new LinkedHashMap<>();
            file.put("weight", m.arange(8f).reshape(4, 2));
            file.put("decoder.x", m.zeros(new Shape(1)));
            file.put("other", m.zeros(new Shape(1)));
            LoadReport r = WeightLoader.load("f", file, params, lenient);
            assertEquals(List.of("weight"), r.loaded());
            assertEquals(List.of("bias"), r.missing());
            assertEquals(List.of("decoder.x"), r.ignored());
            assertEquals(List.of("other"), r.unexpected());
            assertEquals(List.of("weight (4, 2) -> (3, 2)"), r.adapted());
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, param(params, "weight").toFloatArray());

            file.put("bias", m.zeros(new Shape(5)));
            r = WeightLoader.load("f", file, params, lenient);
            assertEquals(List.of("bias (5) (model (3))"), r.shapeMismatched());
            file.put("keep_bias", m.zeros(new Shape(1)));
            WeightLoadException e = assertThrows(WeightLoadException.class,
                    () -> WeightLoader.load("f", file, params, lenient));
            assertTrue(e.getMessage().contains("bias has shape (5)"), e.getMessage());
        }
    }

    /**
     * PyTorch's BatchNorm counter is no parameter here: strict loading lists it as ignored next to its BatchNorm's
     * running_mean, and a counter without that BatchNorm is still unexpected.
     */
    @Test
    void pytorchBatchNormCountersAreIgnoredNextToTheirBatchNorm() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            List<NamedParameter> linear = linear(m);
            List<NamedParameter> params = List.of(linear.get(0),
                    new NamedParameter("head.0.running_mean", linear.get(1).parameter()));
            Map<String, NDArray> file = new LinkedHashMap<>();
            file.put("weight", m.arange(6f).reshape(3, 2));
            file.put("head.0.running_mean", m.create(new float[] {7, 8, 9}));
            file.put("head.0.num_batches_tracked", m.create(12L));
            LoadReport r = WeightLoader.load("f", file, params, LoadPolicy.STRICT);
            assertEquals(List.of("head.0.num_batches_tracked"), r.ignored());
            assertEquals(List.of(), r.unexpected());
            assertArrayEquals(new float[] {7, 8, 9}, param(params, "head.0.running_mean").toFloatArray());

            file.put("head.1.num_batches_tracked", m.create(12L));
            WeightLoadException e = assertThrows(WeightLoadException.class,
                    () -> WeightLoader.load("f", file, params, LoadPolicy.STRICT));
            assertTrue(e.getMessage().contains("unexpected head.1.num_batches_tracked")
                    && !e.getMessage().contains("head.0.num_batches_tracked"), e.getMessage());
        }
    }
}
