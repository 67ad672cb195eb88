package org.easycv4j.models.vit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Collectors;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.ParameterNames;
import org.easycv4j.models.Fixtures;
import org.easycv4j.models.cls.ViTClassifier;
import org.easycv4j.models.cls.ViTClassifierSettings;
import org.junit.jupiter.api.Test;

/**
 * EasyCV's DeiT / DeiT III backbone options: layer scale ({@code use_layer_scale}, {@code init_scale}), drop path
 * without linspace ({@code use_dpr_linspace}), hydra attention ({@code hydra_attention},
 * {@code hydra_attention_layers}).
 */
class EasyCvVitOptionsTest {
    private static final String VIT = "img_size = 32, patch_size = 8, embed_dim = 32, depth = 3, num_heads = 4, "
            + "num_classes = 3, ";

    private static ViTClassifier classifier(String keys) {
        ConfigNode n = Fixtures.config(VIT + keys);
        ViTClassifier cls = new ViTClassifier(ViTClassifierSettings.fromConfig(n));
        n.finish();
        assertEquals("[]", n.problems().list().toString());
        return cls;
    }

    private static String problems(String keys) {
        ConfigNode n = Fixtures.config(VIT + keys);
        ViTClassifierSettings.fromConfig(n);
        n.finish();
        return n.problems().list().toString();
    }

    private static Map<String, NDArray> params(ai.djl.nn.Block block) {
        return ParameterNames.of(block).stream()
                .collect(Collectors.toMap(NamedParameter::name, p -> p.parameter().getArray()));
    }

    @Test
    void layerScaleAddsGammasUnderEasyCvNamesStartingAtInitScale() {
        ViTClassifier plain = classifier("");
        ViTClassifier scaled = classifier("use_layer_scale = true, init_scale = 0.25");
        try (NDManager m = NDManager.newBaseManager()) {
            scaled.block().initialize(m, DataType.FLOAT32, scaled.inputShapes(1));
            List<String> names = scaled.namedParameters().stream().map(NamedParameter::name).toList();
            assertEquals(plain.namedParameters().size() + 2 * 3, names.size());
            for (int i = 0; i < 3; i++) {
                for (String g : List.of("gamma_1", "gamma_2")) {
                    NamedParameter p = scaled.namedParameters().get(names.indexOf("blocks." + i + "." + g));
                    assertTrue(p.parameter().requiresGradient());
                    float[] v = p.parameter().getArray().toFloatArray();
                    assertEquals(32, v.length);
                    for (float x : v) {
                        assertEquals(0.25f, x);
                    }
                }
            }
        }
        ViTClassifier byDefault = classifier("use_layer_scale = true");
        try (NDManager m = NDManager.newBaseManager()) {
            byDefault.block().initialize(m, DataType.FLOAT32, byDefault.inputShapes(1));
            assertEquals(1e-4f, params(byDefault.block()).get("blocks.2.gamma_2").getFloat(7));
        }
    }

    /** A block with gamma = 0 is the identity; gamma_1 = c scales the attention branch by c. */
    @Test
    void gammaScalesEachBranch() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            VitBlock scaled = new VitBlock(8, 2, 2.0, 0, Attention.Kind.SOFTMAX, OptionalDouble.of(1e-4),
                    (in, out) -> Inits.normal(0.3f));
            VitBlock plain = new VitBlock(8, 2, 2.0, 0, (in, out) -> Inits.normal(0.3f));
            scaled.initialize(m, DataType.FLOAT32, new Shape(2, 5, 8));
            plain.initialize(m, DataType.FLOAT32, new Shape(2, 5, 8));
            Map<String, NDArray> s = params(scaled);
            Map<String, NDArray> p = params(plain);
            p.forEach((name, a) -> a.set(s.get(name).toFloatArray()));
            NDArray x = m.randomNormal(new Shape(2, 5, 8));
            Step step = new Step(new ParameterStore(m, false), x, false);

            s.get("gamma_1").set(new float[8]);
            s.get("gamma_2").set(new float[8]);
            assertArrayEquals(x.toFloatArray(), scaled.apply(step, x).toFloatArray(), "gamma = 0: the identity");

            // plain without its MLP branch: x + attn(norm1(x)).
            p.get("mlp.fc2.weight").set(new float[8 * 16]);
            p.get("mlp.fc2.bias").set(new float[8]);
            float[] attnBranch = plain.apply(step, x).sub(x).toFloatArray();
            float c = 0.37f;
            s.get("gamma_1").set(m.full(new Shape(8), c).toFloatArray());
            float[] got = scaled.apply(step, x).sub(x).toFloatArray();
            double largest = 0;
            for (int i = 0; i < got.length; i++) {
                assertEquals(c * attnBranch[i], got[i], 1e-6, "element " + i);
                largest = Math.max(largest, Math.abs(got[i]));
            }
            assertTrue(largest > 0.05, "a branch large enough to tell: " + largest);
        }
    }

    @Test
    void dropPathIsTheSameInEveryBlockWithoutLinspace() {
        var blocks = classifier("drop_path_rate = 0.2, use_dpr_linspace = false").network().blocks();
        for (int i = 0; i < 3; i++) {
            assertEquals(0.2, blocks.get(i).dropPath());
        }
        var linear = classifier("drop_path_rate = 0.2, use_dpr_linspace = true").network().blocks();
        assertEquals(0.0, linear.get(0).dropPath());
        assertEquals(0.1, linear.get(1).dropPath(), 1e-12);
        assertEquals(0.2, linear.get(2).dropPath(), 1e-12);
    }

    /** EasyCV's choice: block i uses hydra attention when i >= depth - hydra_attention_layers. */
    @Test
    void hydraAttentionLayersAreTheLastOnes() {
        List<Attention.Kind> kinds = kinds(classifier("hydra_attention = true, hydra_attention_layers = 1"));
        assertEquals(List.of(Attention.Kind.SOFTMAX, Attention.Kind.SOFTMAX, Attention.Kind.HYDRA), kinds);
        assertEquals(List.of(Attention.Kind.HYDRA, Attention.Kind.HYDRA, Attention.Kind.HYDRA),
                kinds(classifier("hydra_attention = true")));
        assertEquals(List.of(Attention.Kind.SOFTMAX, Attention.Kind.SOFTMAX, Attention.Kind.SOFTMAX),
                kinds(classifier("hydra_attention = true, hydra_attention_layers = 0")));
        assertEquals(List.of(Attention.Kind.SOFTMAX, Attention.Kind.SOFTMAX, Attention.Kind.SOFTMAX),
                kinds(classifier("")));
    }

    private static List<Attention.Kind> kinds(ViTClassifier cls) {
        BlockStack blocks = cls.network().blocks();
        return java.util.stream.IntStream.range(0, blocks.size()).mapToObj(i -> blocks.get(i).attention().kind())
                .toList();
    }

    @Test
    void inconsistentOptionsNameTheirKey() {
        String tooMany = problems("hydra_attention = true, hydra_attention_layers = 4");
        assertTrue(tooMany.contains("hydra_attention_layers") && tooMany.contains("at most depth = 3"), tooMany);
        String withoutHydra = problems("hydra_attention_layers = 2");
        assertTrue(withoutHydra.contains("hydra_attention_layers") && withoutHydra.contains("hydra_attention = true"),
                withoutHydra);
        String withoutScale = problems("init_scale = 0.1");
        assertTrue(withoutScale.contains("init_scale") && withoutScale.contains("use_layer_scale = true"),
                withoutScale);
        ConfigNode nested = Fixtures.config("num_classes = 3, backbone { type = VisionTransformer, img_size = 32, "
                + "patch_size = 8, embed_dim = 32, depth = 3, num_heads = 4, use_layer_scale = true, init_scale = 1e-5, "
                + "use_dpr_linspace = false, hydra_attention = true, hydra_attention_layers = 2 }");
        ViTClassifierSettings s = ViTClassifierSettings.fromConfig(nested);
        nested.finish();
        assertEquals("[]", nested.problems().list().toString());
        assertEquals(OptionalDouble.of(1e-5), s.encoder().layerScale());
        assertEquals(2, s.encoder().hydraLayers());
    }

    /**
     * Hydra attention on one tiny sequence against EasyCV's formula evaluated here in double precision:
     * q, k, v = the thirds of x·Wᵀ + b; q and k divided by their L2 norm over the channels;
     * out = q ⊙ Σ_tokens k ⊙ v; then proj.
     */
    @Test
    void hydraAttentionMatchesADoublePrecisionReference() {
        int t = 3;
        int d = 4;
        double[][] x = {{0.5, -1.0, 2.0, 0.25}, {1.5, 0.0, -0.5, 1.0}, {-2.0, 0.75, 0.5, -1.25}};
        double[][] wQkv = new double[3 * d][d];
        double[] bQkv = new double[3 * d];
        double[][] wProj = new double[d][d];
        double[] bProj = new double[d];
        for (int o = 0; o < 3 * d; o++) {
            for (int i = 0; i < d; i++) {
                wQkv[o][i] = Math.sin(1.3 * o + 0.7 * i + 0.1);
            }
            bQkv[o] = 0.1 * Math.cos(o);
        }
        for (int o = 0; o < d; o++) {
            for (int i = 0; i < d; i++) {
                wProj[o][i] = Math.cos(0.9 * o - 1.1 * i);
            }
            bProj[o] = 0.05 * o - 0.1;
        }
        double[][] qkv = new double[t][3 * d];
        for (int r = 0; r < t; r++) {
            for (int o = 0; o < 3 * d; o++) {
                double acc = bQkv[o];
                for (int i = 0; i < d; i++) {
                    acc += x[r][i] * wQkv[o][i];
                }
                qkv[r][o] = acc;
            }
        }
        double[] kv = new double[d];
        double[][] qn = new double[t][d];
        for (int r = 0; r < t; r++) {
            double nq = 0;
            double nk = 0;
            for (int c = 0; c < d; c++) {
                nq += qkv[r][c] * qkv[r][c];
                nk += qkv[r][d + c] * qkv[r][d + c];
            }
            for (int c = 0; c < d; c++) {
                qn[r][c] = qkv[r][c] / Math.sqrt(nq);
                kv[c] += qkv[r][d + c] / Math.sqrt(nk) * qkv[r][2 * d + c];
            }
        }
        float[] expected = new float[t * d];
        for (int r = 0; r < t; r++) {
            for (int o = 0; o < d; o++) {
                double acc = bProj[o];
                for (int c = 0; c < d; c++) {
                    acc += qn[r][c] * kv[c] * wProj[o][c];
                }
                expected[r * d + o] = (float) acc;
            }
        }

        try (NDManager m = NDManager.newBaseManager()) {
            // Two heads asked for: hydra has one per channel regardless.
            Attention attn = new Attention(d, 2, Attention.Kind.HYDRA, (in, out) -> Inits.normal(1f));
            attn.initialize(m, DataType.FLOAT32, new Shape(1, t, d));
            Map<String, NDArray> p = params(attn);
            p.get("qkv.weight").set(floats(wQkv));
            p.get("qkv.bias").set(floats(bQkv));
            p.get("proj.weight").set(floats(wProj));
            p.get("proj.bias").set(floats(bProj));
            NDArray input = m.create(floats(x), new Shape(1, t, d));
            NDArray out = attn.apply(new Step(new ParameterStore(m, false), input, false), input);
            assertEquals(new Shape(1, t, d), out.getShape());
            float[] got = out.toFloatArray();
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected[i], got[i], 1e-5, "element " + i + " of " + java.util.Arrays.toString(got));
            }
        }
    }

    private static float[] floats(double[][] a) {
        float[] out = new float[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                out[i * a[0].length + j] = (float) a[i][j];
            }
        }
        return out;
    }

    private static float[] floats(double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }
}
