package org.easycv4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.TaskModel;

/** Test helpers: golden files written by src/test/python/make_golden.py, weight loading, comparisons. */
public final class Fixtures {
    private Fixtures() {}

    public static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/golden/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, NDArray> golden(String name, NDManager manager) throws IOException {
        return SafeTensors.read(resource(name), manager);
    }

    public static JsonObject goldenJson() throws IOException {
        return JsonParser.parseString(Files.readString(resource("golden.json"))).getAsJsonObject();
    }

    /** A config node over HOCON text, failing the test on any config problem once parsed. */
    public static ConfigNode config(String hocon) {
        return ConfigNode.root(ConfigFactory.parseString(hocon));
    }

    /** Copies every {@code param.<name>} entry into the model's parameter of that name; all must match. */
    public static void loadParams(TaskModel model, Map<String, NDArray> tensors) {
        int n = 0;
        for (NamedParameter p : model.namedParameters()) {
            NDArray src = tensors.get("param." + p.name());
            assertTrue(src != null, "golden file has no param." + p.name());
            NDArray dst = p.parameter().getArray();
            assertEquals(dst.getShape(), src.getShape(), p.name());
            dst.set(src.toType(dst.getDataType(), false).toByteBuffer());
            n++;
        }
        long inFile = tensors.keySet().stream().filter(k -> k.startsWith("param.")).count();
        assertEquals(inFile, n, "parameters in the golden file vs the model");
    }

    /** max |a - b| ≤ atol + rtol · max |b|. */
    public static void assertClose(NDArray expected, NDArray actual, double rtol, double atol, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + " shape");
        double[] e = expected.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] a = actual.toType(DataType.FLOAT64, false).toDoubleArray();
        double maxAbs = 0;
        double maxDiff = 0;
        for (int i = 0; i < e.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(e[i]));
            maxDiff = Math.max(maxDiff, Math.abs(e[i] - a[i]));
        }
        assertTrue(maxDiff <= atol + rtol * maxAbs,
                what + ": max |diff| " + maxDiff + " > " + atol + " + " + rtol + " * " + maxAbs);
    }
}
