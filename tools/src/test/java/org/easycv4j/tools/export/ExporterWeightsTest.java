package org.easycv4j.tools.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.easycv4j.core.checkpoint.TrainedModels;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.io.TorchCheckpoint;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.models.cls.ViTClassifier;
import org.easycv4j.models.cls.ViTClassifierSettings;
import org.junit.jupiter.api.Test;

/** tools/export reads PyTorch files too: every parameter strictly, by (mapped) name. */
class ExporterWeightsTest {
    private static final Path FIXTURES = Path.of("..", "models", "src", "test", "resources", "interop");

    private static ViTClassifier classifier(int classes) {
        return new ViTClassifier(ViTClassifierSettings.fromConfig(ConfigNode.root(ConfigFactory.parseString(
                "img_size = 32, patch_size = 8, embed_dim = 32, depth = 2, num_heads = 4, num_classes = " + classes))));
    }

    @Test
    void fineTunedPthLoadsStrictly() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ViTClassifier model = classifier(5);
            TrainedModels.load(model, FIXTURES.resolve("vit_tiny_cls.pth"), m, 1);
            Map<String, NDArray> pth = TorchCheckpoint.readStateDict(FIXTURES.resolve("vit_tiny_cls.pth"), m);
            for (NamedParameter p : model.namedParameters()) {
                assertArrayEquals(pth.get(p.name()).toFloatArray(), p.parameter().getArray().toFloatArray(), p.name());
            }
        }
    }

    @Test
    void pretrainingFileIsNotAClassifierCheckpoint() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ViTClassifier model = classifier(5);
            IOException e = assertThrows(IOException.class,
                    () -> TrainedModels.load(model, FIXTURES.resolve("mae_tiny_hf.safetensors"), m, 1));
            assertTrue(e.getMessage().contains("mae_tiny_hf.safetensors") && e.getMessage().contains("missing head.weight")
                    && e.getMessage().contains("unexpected decoder_pred.weight"), e.getMessage());
        }
    }
}
