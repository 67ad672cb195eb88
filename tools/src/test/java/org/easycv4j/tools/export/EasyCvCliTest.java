package org.easycv4j.tools.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.NoopTranslator;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.tools.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An EasyCV fine-tuning checkpoint ({@code easycv_vit_ft.pth}, EasyCV's names, written through PyTorch by
 * models/src/test/python/make_easycv.py) used directly by {@code tools/eval} and {@code tools/export --format
 * torchscript}; the exported model.pt gives PyTorch's logits for that model.
 */
class EasyCvCliTest {
    private static final Path INTEROP = Path.of("..", "models", "src", "test", "resources", "interop");
    private static final Path CONFIG = Path.of("..", "configs", "demo", "fashion_mnist",
            "vit_tiny_p4_finetune_from_scratch.conf");

    @TempDir
    Path dir;

    /** The demo's fine-tuning config turned into the checkpoint's tiny ViT, evaluated on the CIFAR fixture. */
    private static List<String> args(String command, Path ckpt, String... more) {
        Path cifar = Path.of("..", "data", "src", "test", "resources", "cifar", "cifar10").toAbsolutePath();
        List<String> a = new ArrayList<>(List.of(command, CONFIG.toString(), ckpt.toString()));
        a.addAll(List.of(more));
        for (String s : List.of("model.backbone.img_size=32", "model.backbone.patch_size=8",
                "model.backbone.in_chans=3", "model.backbone.embed_dim=32", "model.backbone.depth=2",
                "model.backbone.num_heads=4", "model.num_classes=5", "data.val.data_source=null",
                "data.val.data_source={type=ClsSourceCifar10, root=\"" + cifar + "\", split=test}",
                "data.val.pipeline=[{type=ToTensor},{type=Normalize,mean=[0.5,0.5,0.5],std=[0.5,0.5,0.5]}]")) {
            a.add("--set");
            a.add(s);
        }
        return a;
    }

    private static int run(List<String> args, ByteArrayOutputStream out) {
        PrintStream old = System.out;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            return Main.run(args.toArray(String[]::new));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void evalAndTorchScriptExportTakeTheEasyCvCheckpoint() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, run(args("eval", INTEROP.resolve("easycv_vit_ft.pth")), out));
        double top1 = JsonParser.parseString(out.toString(StandardCharsets.UTF_8)).getAsJsonObject()
                .getAsJsonObject("metrics").get("top1").getAsDouble();
        assertTrue(top1 >= 0 && top1 <= 100, "a top-1 accuracy: " + top1);

        Path export = dir.resolve("export");
        assertEquals(0, run(args("export", INTEROP.resolve("easycv_vit_ft.pth"), export.toString(), "--format",
                "torchscript"), new ByteArrayOutputStream()));
        try (NDManager m = NDManager.newBaseManager();
                Model model = Model.newInstance("export", Device.cpu(), "PyTorch")) {
            Map<String, NDArray> exp = SafeTensors.read(INTEROP.resolve("expected.safetensors"), m);
            model.load(export, "model");
            NDArray images = exp.get("cls.images");
            try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator())) {
                float[] logits = p.predict(new NDList(model.getNDManager().create(images.toFloatArray(),
                        images.getShape()))).singletonOrThrow().toFloatArray();
                float[] expected = exp.get("cls.logits").toFloatArray();
                assertEquals(expected.length, logits.length);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], logits[i], 1e-4, "PyTorch's logit " + i);
                }
            }
        }
    }

    @Test
    void easyCvCheckpointOfAnotherArchitectureFails() {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = run(args("eval", INTEROP.resolve("easycv_resnet.pth")), new ByteArrayOutputStream());
        } finally {
            System.setErr(old);
        }
        assertNotEquals(0, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("an EasyCV checkpoint of another architecture"),
                err.toString(StandardCharsets.UTF_8));
    }
}
