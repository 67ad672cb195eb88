package org.easycv4j.models.interop;

import static org.easycv4j.models.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.checkpoint.LoadReport;
import org.easycv4j.core.checkpoint.WeightLoadException;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.io.TorchCheckpoint;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.models.Fixtures;
import org.easycv4j.models.cls.ViTClassifier;
import org.easycv4j.models.cls.ViTClassifierSettings;
import org.easycv4j.models.mae.MaeModel;
import org.easycv4j.models.mae.MaeSettings;
import org.junit.jupiter.api.Test;

/**
 * Weights written by PyTorch (src/test/python/make_interop.py) loaded into our models: the outputs match
 * PyTorch's for the same inputs and masking noise.
 */
class ImportTest {
    private static final String MAE = "img_size = 32, patch_size = 8, embed_dim = 32, depth = 2, num_heads = 4, "
            + "decoder_embed_dim = 16, decoder_depth = 1, decoder_num_heads = 2, norm_pix_loss = true";
    private static final String CLS = "img_size = 32, patch_size = 8, embed_dim = 32, depth = 2, num_heads = 4, "
            + "num_classes = 5, drop_path_rate = 0";

    static Path resource(String name) {
        try {
            return Path.of(ImportTest.class.getResource("/interop/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MaeModel mae(NDManager m, String pretrained) {
        MaeModel model = new MaeModel(MaeSettings.fromConfig(Fixtures.config(MAE
                + (pretrained == null ? "" : ", pretrained = \"" + resource(pretrained) + "\""))));
        model.block().initialize(m, DataType.FLOAT32, model.inputShapes(2));
        return model;
    }

    private static void assertMaeMatchesPyTorch(NDManager m, MaeModel model) throws Exception {
        Map<String, NDArray> exp = SafeTensors.read(resource("expected.safetensors"), m);
        StepOutput out = model.forward(new ParameterStore(m, false),
                new Batch(new NDList(exp.get("mae.images"), exp.get("mae.noise")), new NDList(), 2), false);
        assertClose(exp.get("mae.mask"), out.outputs().get(1), 0, 0, "mask");
        assertClose(exp.get("mae.loss"), out.loss().reshape(1), 0, 1e-4, "loss");
        assertClose(exp.get("mae.pred"), out.outputs().get(0), 0, 1e-4, "pred");
    }

    @Test
    void maeRepositoryPthWithDecoderGivesPyTorchsLoss() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            MaeModel model = mae(m, "mae_tiny_full.pth");
            model.afterInitialize(m); // the configured pretrained file, as the runner does
            assertMaeMatchesPyTorch(m, model);
            LoadReport r = model.loadPretrained(resource("mae_tiny_full.pth"), m);
            assertEquals(model.namedParameters().size(), r.loaded().size(), r.summary());
            assertEquals(List.of(), r.unexpected());
            assertEquals(List.of(), r.missing());
        }
    }

    @Test
    void huggingFaceSafetensorsGivePyTorchsLoss() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            MaeModel model = mae(m, null);
            LoadReport r = model.loadPretrained(resource("mae_tiny_hf.safetensors"), m);
            assertEquals(model.namedParameters().size(), r.loaded().size(), r.summary());
            assertEquals(List.of(), r.unexpected());
            assertMaeMatchesPyTorch(m, model);
        }
    }

    @Test
    void huggingFaceNamesMapToTheMaeRepositorysNamesAndValues() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> hf = CheckpointNames.read(resource("mae_tiny_hf.safetensors"), m);
            Map<String, NDArray> pth = TorchCheckpoint.readStateDict(resource("mae_tiny_full.pth"), m);
            assertEquals(List.copyOf(pth.keySet()), List.copyOf(hf.keySet()), "same names in the same order");
            for (Map.Entry<String, NDArray> e : pth.entrySet()) {
                assertClose(e.getValue(), hf.get(e.getKey()), 0, 0, e.getKey());
            }
            assertTrue(CheckpointNames.isHuggingFace(SafeTensors.read(resource("mae_tiny_hf.safetensors"), m)));
            assertTrue(!CheckpointNames.isHuggingFace(pth));
        }
    }

    @Test
    void huggingFaceQkvWithAPartMissingIsNamed() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> hf = new LinkedHashMap<>(SafeTensors.read(resource("mae_tiny_hf.safetensors"), m));
            hf.remove("vit.encoder.layer.1.attention.attention.key.bias");
            WeightLoadException e = assertThrows(WeightLoadException.class,
                    () -> CheckpointNames.toOurs("hf.safetensors", hf));
            assertTrue(e.getMessage().contains("hf.safetensors") && e.getMessage().contains("blocks.1.attn.qkv.bias")
                    && e.getMessage().contains("[key]"), e.getMessage());
        }
    }

    @Test
    void fineTunedFloat16PthGivesPyTorchsLogits() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ViTClassifier cls = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config(CLS
                    + ", pretrained = \"" + resource("vit_tiny_cls.pth") + "\"")));
            cls.block().initialize(m, DataType.FLOAT32, cls.inputShapes(3));
            LoadReport r = cls.loadPretrained(m);
            assertEquals(cls.namedParameters().size(), r.loaded().size(), r.summary());
            assertEquals(List.of(), r.missing());
            Map<String, NDArray> exp = SafeTensors.read(resource("expected.safetensors"), m);
            NDArray logits = cls.forward(new ParameterStore(m, false),
                    new Batch(new NDList(exp.get("cls.images")), new NDList(), 3), false).outputs().get(0);
            assertClose(exp.get("cls.logits"), logits, 0, 1e-4, "logits");
        }
    }

    @Test
    void classifierTakesTheEncoderOfAHuggingFaceMae() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ViTClassifier cls = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config(CLS)));
            cls.block().initialize(m, DataType.FLOAT32, cls.inputShapes(1));
            LoadReport r = cls.loadPretrained(resource("mae_tiny_hf.safetensors"), m);
            assertEquals(List.of(), r.unexpected());
            assertTrue(r.ignored().contains("decoder_blocks.0.attn.qkv.weight") && r.ignored().contains("norm.bias"),
                    r.ignored().toString());
            Map<String, NDArray> pth = TorchCheckpoint.readStateDict(resource("mae_tiny_full.pth"), m);
            int compared = 0;
            for (NamedParameter p : cls.namedParameters()) {
                if (pth.containsKey(p.name())) {
                    assertClose(pth.get(p.name()), p.parameter().getArray(), 0, 0, p.name());
                    compared++;
                }
            }
            assertEquals(r.loaded().size(), compared);
        }
    }

    @Test
    void encoderOnlyFileLeavesTheDecoderAndShapeMismatchFails() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> pth = TorchCheckpoint.readStateDict(resource("mae_tiny_full.pth"), m);
            Map<String, NDArray> encoder = new LinkedHashMap<>(pth);
            encoder.keySet().removeIf(k -> k.startsWith("decoder_") || k.equals("mask_token"));
            MaeModel model = mae(m, null);
            LoadReport r = WeightLoader.load("enc.pth", encoder, model.namedParameters(), MaeModel.pretrainedPolicy());
            assertTrue(r.missing().contains("decoder_pred.weight") && r.missing().contains("mask_token"),
                    r.summary());
            assertEquals(encoder.size(), r.loaded().size());

            Map<String, NDArray> partial = new LinkedHashMap<>(pth);
            partial.remove("decoder_norm.bias");
            var missing = assertThrows(WeightLoadException.class,
                    () -> WeightLoader.load("part.pth", partial, model.namedParameters(), MaeModel.pretrainedPolicy()));
            assertTrue(missing.getMessage().contains("part.pth") && missing.getMessage().contains("decoder_norm.bias"),
                    missing.getMessage());

            MaeModel wider = new MaeModel(MaeSettings.fromConfig(Fixtures.config(MAE.replace(
                    "decoder_embed_dim = 16", "decoder_embed_dim = 24").replace("decoder_num_heads = 2",
                    "decoder_num_heads = 3"))));
            wider.block().initialize(m, DataType.FLOAT32, wider.inputShapes(1));
            var shape = assertThrows(WeightLoadException.class,
                    () -> WeightLoader.load("full.pth", pth, wider.namedParameters(), MaeModel.pretrainedPolicy()));
            assertTrue(shape.getMessage().contains("decoder_embed.weight") && shape.getMessage().contains("(24, 32)"),
                    shape.getMessage());
        }
    }
}
