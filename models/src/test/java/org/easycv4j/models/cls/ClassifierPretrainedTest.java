package org.easycv4j.models.cls;

import static org.easycv4j.models.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.checkpoint.LoadReport;
import org.easycv4j.core.checkpoint.WeightLoadException;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.models.Fixtures;
import org.easycv4j.models.mae.MaeModel;
import org.easycv4j.models.mae.MaeSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MAE checkpoint → classifier: encoder kept, decoder dropped, problems reported, pos_embed interpolated. */
class ClassifierPretrainedTest {
    @TempDir
    Path dir;

    private static final String ENCODER = "patch_size = 8, embed_dim = 32, depth = 2, num_heads = 4";

    private Path saveMae(NDManager manager, int imgSize) throws Exception {
        MaeModel mae = new MaeModel(MaeSettings.fromConfig(Fixtures.config("img_size = " + imgSize + ", " + ENCODER
                + ", decoder_embed_dim = 16, decoder_depth = 1, decoder_num_heads = 2")));
        mae.block().initialize(manager, DataType.FLOAT32, mae.inputShapes(1));
        Map<String, NDArray> state = new LinkedHashMap<>();
        for (NamedParameter p : mae.namedParameters()) {
            state.put(p.name(), p.parameter().getArray());
        }
        Path file = dir.resolve("mae.safetensors");
        SafeTensors.write(file, state);
        return file;
    }

    private static ViTClassifier classifier(int imgSize) {
        return new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config("img_size = " + imgSize + ", "
                + ENCODER + ", num_classes = 3")));
    }

    @Test
    void loadsEncoderIgnoresDecoderAndReportsNewHead() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path file = saveMae(manager, 32);
            ViTClassifier cls = classifier(32);
            cls.block().initialize(manager, DataType.FLOAT32, cls.inputShapes(1));
            LoadReport r = cls.loadPretrained(file, manager);
            assertEquals(List.of("fc_norm.weight", "fc_norm.bias", "head.weight", "head.bias"),
                    r.missing().stream().sorted((a, b) -> a.startsWith("fc") == b.startsWith("fc")
                            ? b.compareTo(a) : a.startsWith("fc") ? -1 : 1).toList());
            assertTrue(r.ignored().contains("mask_token") && r.ignored().contains("decoder_pred.weight")
                    && r.ignored().contains("norm.weight"), r.ignored().toString());
            assertEquals(List.of(), r.unexpected());
            assertEquals(4 + 2 * 12 + 0, r.loaded().size(), r.loaded().toString());
            Map<String, NDArray> ckpt = SafeTensors.read(file, manager);
            for (NamedParameter p : cls.namedParameters()) {
                if (ckpt.containsKey(p.name())) {
                    assertClose(ckpt.get(p.name()), p.parameter().getArray(), 0, 0, p.name());
                }
            }
        }
    }

    @Test
    void theConfiguredCheckpointIsLoaded() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path file = saveMae(manager, 32);
            ViTClassifier cls = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config("img_size = 32, "
                    + ENCODER + ", num_classes = 3, pretrained = \"" + file + "\"")));
            cls.block().initialize(manager, DataType.FLOAT32, cls.inputShapes(1));
            LoadReport report = cls.loadPretrained(manager);
            assertEquals(28, report.loaded().size(), report.summary());
            NDArray expected = SafeTensors.read(file, manager).get("blocks.1.attn.qkv.weight");
            NDArray actual = cls.namedParameters().stream().filter(p -> p.name().equals("blocks.1.attn.qkv.weight"))
                    .findFirst().orElseThrow().parameter().getArray();
            assertClose(expected, actual, 0, 0, "blocks.1.attn.qkv.weight");
        }
    }

    @Test
    void missingEncoderKeyIsAnErrorNamingIt() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path file = saveMae(manager, 32);
            Map<String, NDArray> ckpt = new LinkedHashMap<>(SafeTensors.read(file, manager));
            ckpt.remove("blocks.1.mlp.fc2.weight");
            ViTClassifier cls = classifier(32);
            cls.block().initialize(manager, DataType.FLOAT32, cls.inputShapes(1));
            WeightLoadException e = assertThrows(WeightLoadException.class,
                    () -> WeightLoader.load("ckpt", ckpt, cls.namedParameters(), cls.pretrainedPolicy()));
            assertTrue(e.getMessage().contains("missing blocks.1.mlp.fc2.weight"), e.getMessage());
        }
    }

    @Test
    void positionEmbeddingIsInterpolatedToTheNewGrid() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path file = saveMae(manager, 32); // 4x4 grid
            ViTClassifier cls = classifier(48); // 6x6 grid
            cls.block().initialize(manager, DataType.FLOAT32, cls.inputShapes(1));
            LoadReport r = cls.loadPretrained(file, manager);
            assertEquals(1, r.adapted().size(), r.summary());
            NDArray src = SafeTensors.read(file, manager).get("pos_embed");
            float[] expected = PosEmbedInterpolation.resize(src.toFloatArray(), 1, 32, 4, 6);
            NDArray pos = cls.namedParameters().stream().filter(p -> p.name().equals("pos_embed")).findFirst()
                    .orElseThrow().parameter().getArray();
            assertArrayEquals(expected, pos.toFloatArray(), 0f);
            assertArrayEquals(new float[32], Arrays.copyOf(pos.toFloatArray(), 32), 0f); // cls row zero
        }
    }

    /**
     * EasyCV's own VisionTransformer (its DeiT checkpoints) has a pos_embed of g·g rows and adds no position to the
     * cls token: it loads with a zero cls row, on the same grid and resized to another.
     */
    @Test
    void anEasyCvPositionEmbeddingWithoutTheClsRowGetsAZeroOne(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> ckpt = new LinkedHashMap<>(SafeTensors.read(saveMae(manager, 32), manager));
            float[] withCls = ckpt.get("pos_embed").toFloatArray();
            float[] patches = Arrays.copyOfRange(withCls, 32, withCls.length);
            for (int i = 0; i < patches.length; i++) {
                patches[i] += 0.25f * (i % 7); // not the sin-cos table: a learned one
            }
            ckpt.put("pos_embed", manager.create(patches, new Shape(1, 16, 32)));
            Path file = dir.resolve("easycv_deit.safetensors");
            SafeTensors.write(file, ckpt);

            ViTClassifier same = classifier(32);
            same.block().initialize(manager, DataType.FLOAT32, same.inputShapes(1));
            assertEquals(1, same.loadPretrained(file, manager).adapted().size());
            float[] expected = new float[17 * 32];
            System.arraycopy(patches, 0, expected, 32, patches.length);
            assertArrayEquals(expected, posEmbed(same).toFloatArray(), 0f);

            ViTClassifier larger = classifier(48);
            larger.block().initialize(manager, DataType.FLOAT32, larger.inputShapes(1));
            larger.loadPretrained(file, manager);
            assertArrayEquals(PosEmbedInterpolation.resize(expected, 1, 32, 4, 6), posEmbed(larger).toFloatArray(),
                    0f);
        }
    }

    private static NDArray posEmbed(ViTClassifier cls) {
        return cls.namedParameters().stream().filter(p -> p.name().equals("pos_embed")).findFirst().orElseThrow()
                .parameter().getArray();
    }

    @Test
    void bicubicInterpolationMatchesPyTorch() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> g = Fixtures.golden("interp.safetensors", manager);
            float[] in = g.get("in.pos_embed").toFloatArray();
            for (int to : new int[] {6, 3}) {
                NDArray out = manager.create(PosEmbedInterpolation.resize(in, 1, 8, 4, to),
                        g.get("out." + to).getShape());
                assertClose(g.get("out." + to), out, 1e-5, 1e-6, "bicubic to " + to);
            }
        }
    }
}
