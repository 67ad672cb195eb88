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
import java.util.List;
import java.util.Map;
import org.easycv4j.core.checkpoint.LoadPolicy;
import org.easycv4j.core.checkpoint.LoadReport;
import org.easycv4j.core.checkpoint.WeightLoadException;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.models.Fixtures;
import org.easycv4j.models.cls.ViTClassifier;
import org.easycv4j.models.cls.ViTClassifierSettings;
import org.easycv4j.models.mae.MaeModel;
import org.easycv4j.models.mae.MaeSettings;
import org.junit.jupiter.api.Test;

/**
 * Checkpoints as EasyCV saves them ({meta, state_dict, optimizer} with EasyCV's module prefixes, written by
 * src/test/python/make_easycv.py from the weights of make_interop.py) load without renaming, as
 * {@code pretrained} and under the strict policy of {@code load_from}, and give PyTorch's outputs.
 */
class EasyCvCheckpointTest {
    private static final String MAE = "img_size = 32, patch_size = 8, embed_dim = 32, depth = 2, num_heads = 4, "
            + "decoder_embed_dim = 16, decoder_depth = 1, decoder_num_heads = 2, norm_pix_loss = true";
    private static final String CLS = "img_size = 32, patch_size = 8, embed_dim = 32, depth = 2, num_heads = 4, "
            + "num_classes = 5, drop_path_rate = 0";

    private static MaeModel mae(NDManager m, String extra) {
        MaeModel model = new MaeModel(MaeSettings.fromConfig(Fixtures.config(MAE + extra)));
        model.block().initialize(m, DataType.FLOAT32, model.inputShapes(2));
        return model;
    }

    private static ViTClassifier classifier(NDManager m, String extra) {
        ViTClassifier cls = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config(CLS + extra)));
        cls.block().initialize(m, DataType.FLOAT32, cls.inputShapes(3));
        return cls;
    }

    private static void assertLogitsMatchPyTorch(NDManager m, ViTClassifier cls) throws Exception {
        Map<String, NDArray> exp = SafeTensors.read(ImportTest.resource("expected.safetensors"), m);
        NDArray logits = cls.forward(new ParameterStore(m, false),
                new Batch(new NDList(exp.get("cls.images")), new NDList(), 3), false).outputs().get(0);
        assertClose(exp.get("cls.logits"), logits, 0, 1e-4, "logits");
    }

    @Test
    void maePretrainingCheckpointIsTheConfiguredPretrained() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            MaeModel model = mae(m, ", pretrained = \"" + ImportTest.resource("easycv_mae.pth") + "\"");
            model.afterInitialize(m);
            Map<String, NDArray> exp = SafeTensors.read(ImportTest.resource("expected.safetensors"), m);
            StepOutput out = model.forward(new ParameterStore(m, false),
                    new Batch(new NDList(exp.get("mae.images"), exp.get("mae.noise")), new NDList(), 2), false);
            assertClose(exp.get("mae.loss"), out.loss().reshape(1), 0, 1e-4, "loss");
            assertClose(exp.get("mae.pred"), out.outputs().get(0), 0, 1e-4, "pred");

            LoadReport r = model.loadPretrained(ImportTest.resource("easycv_mae.pth"), m);
            assertEquals(model.namedParameters().size(), r.loaded().size(), r.summary());
            assertEquals(List.of(), r.unexpected());
            assertEquals(List.of(), r.missing());
            // load_from: the strict policy, the model's own name mapping.
            LoadReport strict = WeightLoader.load(ImportTest.resource("easycv_mae.pth"), model.namedParameters(),
                    model.nameMapping(), LoadPolicy.STRICT, m);
            assertEquals(r.loaded(), strict.loaded());
        }
    }

    @Test
    void maeCheckpointGivesAClassifierItsEncoder() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ViTClassifier cls = classifier(m, "");
            LoadReport r = cls.loadPretrained(ImportTest.resource("easycv_mae.pth"), m);
            assertEquals(List.of(), r.unexpected());
            assertTrue(r.ignored().contains("decoder_pred.weight") && r.ignored().contains("mask_token")
                    && r.ignored().contains("norm.weight"), r.ignored().toString());
            assertEquals(List.of("fc_norm.weight", "fc_norm.bias", "head.weight", "head.bias"), r.missing());
            assertEquals(4 + 2 * 12, r.loaded().size(), r.summary());
        }
    }

    @Test
    void fineTunedClassifierLoadsAsPretrainedAndAsLoadFrom() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ViTClassifier cls = classifier(m, ", pretrained = \"" + ImportTest.resource("easycv_vit_ft.pth") + "\"");
            cls.afterInitialize(m);
            assertLogitsMatchPyTorch(m, cls);

            ViTClassifier strict = classifier(m, "");
            LoadReport r = WeightLoader.load(ImportTest.resource("easycv_vit_ft.pth"), strict.namedParameters(),
                    strict.nameMapping(), LoadPolicy.STRICT, m);
            assertEquals(strict.namedParameters().size(), r.loaded().size(), r.summary());
            assertLogitsMatchPyTorch(m, strict);

            ViTClassifier clsHead = classifier(m, "");
            WeightLoader.load(ImportTest.resource("easycv_vit_clshead.pth"), clsHead.namedParameters(),
                    clsHead.nameMapping(), LoadPolicy.STRICT, m);
            assertLogitsMatchPyTorch(m, clsHead);
        }
    }

    @Test
    void easyCvCheckpointOfAnotherArchitectureIsRefused() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ViTClassifier cls = classifier(m, "");
            WeightLoadException e = assertThrows(WeightLoadException.class,
                    () -> cls.loadPretrained(ImportTest.resource("easycv_resnet.pth"), m));
            assertTrue(e.getMessage().contains("easycv_resnet.pth") && e.getMessage().contains("another architecture")
                    && e.getMessage().contains("backbone.conv1.weight"), e.getMessage());
            MaeModel model = mae(m, "");
            e = assertThrows(WeightLoadException.class, () -> WeightLoader.load(ImportTest.resource("easycv_resnet.pth"),
                    model.namedParameters(), model.nameMapping(), LoadPolicy.STRICT, m));
            assertTrue(e.getMessage().contains("another architecture"), e.getMessage());
            // A ViT of another size is EasyCV's architecture but not this model: the shapes are named.
            ViTClassifier wider = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config(
                    CLS.replace("embed_dim = 32", "embed_dim = 48"))));
            wider.block().initialize(m, DataType.FLOAT32, wider.inputShapes(1));
            e = assertThrows(WeightLoadException.class, () -> WeightLoader.load(ImportTest.resource("easycv_vit_ft.pth"),
                    wider.namedParameters(), wider.nameMapping(), LoadPolicy.STRICT, m));
            assertTrue(e.getMessage().contains("blocks.0.attn.qkv.weight has shape (96, 32) in the file, (144, 48)"),
                    e.getMessage());
        }
    }
}
