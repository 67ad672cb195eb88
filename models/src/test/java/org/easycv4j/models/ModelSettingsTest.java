package org.easycv4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Injectors;
import org.easycv4j.models.cls.ViTClassifier;
import org.easycv4j.models.cls.ViTClassifierSettings;
import org.easycv4j.models.mae.MaeModel;
import org.easycv4j.models.mae.MaeSettings;
import org.junit.jupiter.api.Test;

/** Config keys, presets, errors, parameter names and drop-path rates. */
class ModelSettingsTest {

    private static String problems(ConfigNode n) {
        n.finish();
        return n.problems().list().toString();
    }

    @Test
    void presetsAndOverrides() {
        ConfigNode n = Fixtures.config("arch = huge");
        MaeSettings huge = MaeSettings.fromConfig(n);
        assertEquals("[]", problems(n));
        assertEquals(1280, huge.encoder().embedDim());
        assertEquals(32, huge.encoder().depth());
        assertEquals(14, huge.encoder().patchSize());
        assertEquals(256, huge.encoder().numPatches());
        assertEquals(64, huge.keptPatches());
        assertEquals(512, huge.decoderEmbedDim());
        assertEquals(8, huge.decoderDepth());
        assertEquals(16, huge.decoderNumHeads());
        MaeSettings large = MaeSettings.fromConfig(Fixtures.config("arch = large, depth = 4"));
        assertEquals(1024, large.encoder().embedDim());
        assertEquals(4, large.encoder().depth());
    }

    @Test
    void easyCvNestedLayoutIsAccepted() {
        ConfigNode n = Fixtures.config("backbone { type = MaskedAutoencoderViT, img_size = 32, patch_size = 8, "
                + "embed_dim = 32, depth = 2, num_heads = 4 }, neck { type = MAENeck, embed_dim = 32, patch_size = 8, "
                + "in_chans = 3, decoder_embed_dim = 16, decoder_depth = 1, decoder_num_heads = 2, mlp_ratio = 4 }, "
                + "mask_ratio = 0.75, norm_pix_loss = true");
        MaeSettings s = MaeSettings.fromConfig(n);
        assertEquals("[]", problems(n));
        assertEquals(32, s.encoder().embedDim());
        assertEquals(16, s.decoderEmbedDim());
    }

    @Test
    void badValuesAreReportedWithTheirKeys() {
        ConfigNode n = Fixtures.config("arch = basee, img_size = 30, patch_size = 8, embed_dim = 30, num_heads = 4, "
                + "decoder_num_heads = 5, mask_ratio = 1.5, norm_pixel_loss = true");
        MaeSettings.fromConfig(n);
        String all = problems(n);
        for (String key : List.of("arch", "img_size", "num_heads", "embed_dim", "decoder_num_heads", "mask_ratio",
                "norm_pixel_loss")) {
            assertTrue(all.contains(key), key + " not reported in " + all);
        }
        assertTrue(all.contains("did you mean") || all.contains("norm_pix_loss"), all);
        ConfigNode neck = Fixtures.config("patch_size = 8, img_size = 32, neck { embed_dim = 64 }");
        MaeSettings.fromConfig(neck);
        assertTrue(problems(neck).contains("neck.embed_dim"), neck.problems().list().toString());
    }

    @Test
    void parameterNamesFollowTimm() {
        MaeModel mae = new MaeModel(MaeSettings.fromConfig(Fixtures.config("img_size = 32, patch_size = 8, "
                + "embed_dim = 32, depth = 2, num_heads = 4, decoder_embed_dim = 16, decoder_depth = 1, "
                + "decoder_num_heads = 2")));
        List<String> names = mae.namedParameters().stream().map(NamedParameter::name).toList();
        for (String expected : List.of("cls_token", "pos_embed", "mask_token", "decoder_pos_embed",
                "patch_embed.proj.weight", "patch_embed.proj.bias", "blocks.1.attn.qkv.weight",
                "blocks.0.norm1.weight", "blocks.0.mlp.fc2.bias", "norm.weight", "decoder_embed.weight",
                "decoder_blocks.0.mlp.fc1.bias", "decoder_norm.bias", "decoder_pred.weight")) {
            assertTrue(names.contains(expected), expected + " not in " + names);
        }
        for (NamedParameter p : mae.namedParameters()) {
            assertEquals(!p.name().endsWith("pos_embed"), p.parameter().requiresGradient(), p.name());
        }
        ViTClassifier cls = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config("img_size = 32, "
                + "patch_size = 8, embed_dim = 32, depth = 2, num_heads = 4, num_classes = 3")));
        List<String> clsNames = cls.namedParameters().stream().map(NamedParameter::name).toList();
        assertTrue(clsNames.containsAll(List.of("fc_norm.weight", "head.weight", "head.bias", "pos_embed")));
        assertFalse(clsNames.contains("norm.weight"));
        assertTrue(cls.namedParameters().stream().allMatch(p -> p.parameter().requiresGradient()));
    }

    @Test
    void dropPathIncreasesLinearlyOverTheBlocks() {
        ViTClassifier cls = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config("img_size = 32, "
                + "patch_size = 8, embed_dim = 32, depth = 5, num_heads = 4, num_classes = 3")));
        var blocks = cls.network().blocks();
        double[] expected = {0, 0.025, 0.05, 0.075, 0.1};
        for (int i = 0; i < 5; i++) {
            assertEquals(expected[i], blocks.get(i).dropPath(), 1e-12);
        }
    }

    @Test
    void missingPretrainedFileIsAConfigProblemOfTheRegisteredModels() {
        Components c = Injectors.create().getInstance(Components.class);
        for (String type : List.of("ViTClassifier", "MAE")) {
            ConfigNode n = Fixtures.config("type = " + type + ", pretrained = \"no/such/file.safetensors\"");
            assertTrue(c.parse(n, TaskModel.KIND).isPresent(), type);
            String all = n.problems().list().toString();
            assertTrue(all.contains("pretrained") && all.contains("no/such/file.safetensors"), type + ": " + all);
        }
    }
}
