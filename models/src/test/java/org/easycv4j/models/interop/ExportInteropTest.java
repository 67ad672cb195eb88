package org.easycv4j.models.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.checkpoint.LoadPolicy;
import org.easycv4j.core.checkpoint.LoadReport;
import org.easycv4j.core.model.NameMapping;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.io.TorchCheckpoint;
import org.easycv4j.core.model.ModelExport;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.models.Fixtures;
import org.easycv4j.models.cls.ViTClassifier;
import org.easycv4j.models.cls.ViTClassifierSettings;
import org.easycv4j.models.mae.MaeModel;
import org.easycv4j.models.mae.MaeSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an export holds, by name and shape, against timm's {@code vit_base_patch16_224} state dict; and
 * PyTorch weights → our model → exported safetensors → imported again, bit for bit.
 */
class ExportInteropTest {
    @TempDir
    Path dir;

    /**
     * The state dict of {@code timm.create_model("vit_base_patch16_224", global_pool=..., num_classes=N)}:
     * with {@code global_pool="avg"} timm's final {@code norm} is an Identity and {@code fc_norm} is a
     * LayerNorm; with {@code num_classes=0} the head is an Identity. No other module of that model has parameters
     * (no register tokens, layer scale, qk-norm or pre-norm).
     */
    static Map<String, Shape> timmVitBase(boolean avgPool, int classes) {
        Map<String, Shape> m = new LinkedHashMap<>();
        int d = 768;
        m.put("cls_token", new Shape(1, 1, d));
        m.put("pos_embed", new Shape(1, 197, d));
        m.put("patch_embed.proj.weight", new Shape(d, 3, 16, 16));
        m.put("patch_embed.proj.bias", new Shape(d));
        for (int i = 0; i < 12; i++) {
            String b = "blocks." + i + ".";
            m.put(b + "norm1.weight", new Shape(d));
            m.put(b + "norm1.bias", new Shape(d));
            m.put(b + "attn.qkv.weight", new Shape(3 * d, d));
            m.put(b + "attn.qkv.bias", new Shape(3 * d));
            m.put(b + "attn.proj.weight", new Shape(d, d));
            m.put(b + "attn.proj.bias", new Shape(d));
            m.put(b + "norm2.weight", new Shape(d));
            m.put(b + "norm2.bias", new Shape(d));
            m.put(b + "mlp.fc1.weight", new Shape(4 * d, d));
            m.put(b + "mlp.fc1.bias", new Shape(4 * d));
            m.put(b + "mlp.fc2.weight", new Shape(d, 4 * d));
            m.put(b + "mlp.fc2.bias", new Shape(d));
        }
        String norm = avgPool ? "fc_norm" : "norm";
        m.put(norm + ".weight", new Shape(d));
        m.put(norm + ".bias", new Shape(d));
        if (classes > 0) {
            m.put("head.weight", new Shape(classes, d));
            m.put("head.bias", new Shape(classes));
        }
        return m;
    }

    private static Map<String, Shape> shapes(ModelExport export) {
        Map<String, Shape> out = new LinkedHashMap<>();
        for (NamedParameter p : export.parameters()) {
            out.put(p.name(), p.parameter().getArray().getShape());
        }
        return out;
    }

    @Test
    void vitBaseClassifierExportIsTimmsAvgPoolStateDict() {
        ViTClassifier model = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config(
                "arch = base, num_classes = 10")));
        try (NDManager m = NDManager.newBaseManager()) {
            // Shapes need an initialized block; a base-sized model takes a few hundred MB for a moment.
            model.block().initialize(m, DataType.FLOAT32, model.inputShapes(1));
            ModelExport export = model.export();
            assertEquals(ModelExport.Task.CLASSIFICATION, export.task());
            Map<String, Shape> expected = timmVitBase(true, 10);
            Map<String, Shape> got = shapes(export);
            assertEquals(List.copyOf(expected.keySet()), List.copyOf(got.keySet()));
            assertEquals(expected, got);
        }
    }

    @Test
    void maeBaseExportIsTimmsHeadlessTokenPoolStateDict() {
        MaeModel model = new MaeModel(MaeSettings.fromConfig(Fixtures.config("arch = base")));
        try (NDManager m = NDManager.newBaseManager()) {
            model.block().initialize(m, DataType.FLOAT32, model.inputShapes(1));
            ModelExport export = model.export();
            assertEquals(ModelExport.Task.BACKBONE, export.task());
            assertEquals(timmVitBase(false, 0), shapes(export));
        }
    }

    @Test
    void pthToModelToExportToModelIsBitExact() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> pth = TorchCheckpoint.readStateDict(ImportTest.resource("mae_tiny_full.pth"), m);
            MaeModel mae = new MaeModel(MaeSettings.fromConfig(Fixtures.config("img_size = 32, patch_size = 8, "
                    + "embed_dim = 32, depth = 2, num_heads = 4, decoder_embed_dim = 16, decoder_depth = 1, "
                    + "decoder_num_heads = 2")));
            mae.block().initialize(m, DataType.FLOAT32, mae.inputShapes(1));
            WeightLoader.load("mae_tiny_full.pth", pth, mae.namedParameters(), MaeModel.pretrainedPolicy());

            // What tools/export writes: the export's parameters by name.
            Path file = dir.resolve("model.safetensors");
            SafeTensors.write(file, Checkpoints.modelTensors(mae.export().parameters()));
            Map<String, NDArray> back = CheckpointNames.read(file, m);
            assertEquals(mae.export().parameters().size(), back.size());
            for (Map.Entry<String, NDArray> e : back.entrySet()) {
                assertArrayEquals(pth.get(e.getKey()).toByteArray(), e.getValue().toByteArray(), e.getKey());
            }

            // ... loaded as a classifier's pretrained encoder, and as a whole model by strict loading.
            ViTClassifier cls = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config(
                    "img_size = 32, patch_size = 8, embed_dim = 32, depth = 2, num_heads = 4, num_classes = 5")));
            cls.block().initialize(m, DataType.FLOAT32, cls.inputShapes(1));
            LoadReport r = cls.loadPretrained(file, m);
            assertEquals(back.size() - 2, r.loaded().size(), r.summary()); // norm.* is ignored with global pooling
            for (String name : r.loaded()) {
                NDArray loaded = cls.namedParameters().stream().filter(p -> p.name().equals(name)).findFirst()
                        .orElseThrow().parameter().getArray();
                assertArrayEquals(pth.get(name).toByteArray(), loaded.toByteArray(), name);
            }

            ViTClassifier tuned = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config(
                    "img_size = 32, patch_size = 8, embed_dim = 32, depth = 2, num_heads = 4, num_classes = 5")));
            tuned.block().initialize(m, DataType.FLOAT32, tuned.inputShapes(1));
            tuned.loadPretrained(ImportTest.resource("vit_tiny_cls.pth"), m);
            Path clsFile = dir.resolve("cls.safetensors");
            SafeTensors.write(clsFile, Checkpoints.modelTensors(tuned.export().parameters()));
            ViTClassifier again = new ViTClassifier(tuned.settings());
            again.block().initialize(m, DataType.FLOAT32, again.inputShapes(1));
            WeightLoader.load(clsFile, again.namedParameters(), NameMapping.IDENTITY, LoadPolicy.STRICT, m);
            for (int i = 0; i < tuned.namedParameters().size(); i++) {
                NamedParameter a = tuned.namedParameters().get(i);
                NamedParameter b = again.namedParameters().get(i);
                assertArrayEquals(a.parameter().getArray().toByteArray(), b.parameter().getArray().toByteArray(),
                        a.name());
            }
        }
    }
}
