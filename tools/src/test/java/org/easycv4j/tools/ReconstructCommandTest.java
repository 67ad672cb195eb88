package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigFactory;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.easycv4j.core.checkpoint.CheckpointState;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.io.TorchCheckpoint;
import org.easycv4j.models.mae.MaeModel;
import org.easycv4j.models.mae.MaeSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tools/reconstruct on a checkpoint of the tiny PyTorch-made MAE, with given masking noise. */
class ReconstructCommandTest {
    private static final String MODEL = "type = MAE, img_size = 32, patch_size = 8, embed_dim = 32, depth = 2, "
            + "num_heads = 4, decoder_embed_dim = 16, decoder_depth = 1, decoder_num_heads = 2, norm_pix_loss = true";
    private static final float[] MEAN = {0.5f, 0.4f, 0.3f};
    private static final float[] STD = {0.25f, 0.2f, 0.3f};

    @TempDir
    Path dir;
    Path ckpt;
    Path[] images;
    float[][] noise;

    private static MaeModel model(NDManager m) throws Exception {
        MaeModel mae = new MaeModel(MaeSettings.fromConfig(ConfigNode.root(ConfigFactory.parseString(MODEL))));
        mae.block().initialize(m, DataType.FLOAT32, mae.inputShapes(1));
        Path pth = Path.of("..", "models", "src", "test", "resources", "interop", "mae_tiny_full.pth");
        WeightLoader.load("mae_tiny_full.pth", TorchCheckpoint.readStateDict(pth, m), mae.namedParameters(),
                MaeModel.pretrainedPolicy());
        return mae;
    }

    @BeforeEach
    void checkpointImagesAndNoise() throws Exception {
        ckpt = dir.resolve("epoch_1");
        try (NDManager m = NDManager.newBaseManager()) {
            String config = "model { " + MODEL + " }\ndata.train.pipeline = [{ type = Normalize, mean = [0.5, 0.4, "
                    + "0.3], std = [0.25, 0.2, 0.3] }]\n";
            Checkpoints.save(ckpt, model(m).namedParameters(), null, new CheckpointState(1, 1, 1, 0, Map.of()),
                    config, "{}");
        }
        SplittableRandom random = new SplittableRandom(3);
        images = new Path[2];
        for (int i = 0; i < 2; i++) {
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    img.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            images[i] = dir.resolve("img" + i + ".png");
            ImageIO.write(img, "png", images[i].toFile());
        }
        noise = new float[2][16];
        for (float[] row : noise) {
            for (int j = 0; j < 16; j++) {
                row[j] = (float) random.nextDouble();
            }
        }
    }

    private static String[] run(int expectedExit, String... args) {
        CliRun.Result r = CliRun.run(args);
        assertEquals(expectedExit, r.code(), String.join(" ", args) + "\n" + r.err());
        return new String[] {r.out(), r.err()};
    }

    /** A version-1 .npy file of float32 values. */
    static void writeNpy(Path file, long[] shape, float[] values) throws Exception {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? dims.toString().trim() : dims.substring(0, dims.length() - 2);
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shapeText + "), }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((16 - total % 16) % 16) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : values) {
            b.putFloat(v);
        }
        Files.write(file, b.array());
    }

    /** The loss of the model on the image file's pixels, normalized as configured, with the given noise. */
    private static double expectedLoss(Path image, float[] noise) throws Exception {
        BufferedImage img = ImageIO.read(image.toFile());
        float[] x = new float[3 * 32 * 32];
        for (int y = 0; y < 32; y++) {
            for (int xx = 0; xx < 32; xx++) {
                int rgb = img.getRGB(xx, y);
                int[] v = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                for (int c = 0; c < 3; c++) {
                    x[(c * 32 + y) * 32 + xx] = (v[c] / 255f - MEAN[c]) / STD[c];
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            MaeModel mae = model(m);
            return mae.forward(new ParameterStore(m, false), new Batch(new NDList(m.create(x, new Shape(1, 3, 32, 32)),
                    m.create(noise, new Shape(1, 16))), new NDList(), 1), false).loss().getFloat();
        }
    }

    @Test
    void maskNoiseReproducesMaskLossAndFigure() throws Exception {
        Path npy = dir.resolve("noise.npy");
        writeNpy(npy, new long[] {2, 16}, concat(noise[0], noise[1]));
        Path out1 = dir.resolve("out1");
        Path out2 = dir.resolve("out2");
        JsonObject first = JsonParser.parseString(run(0, "reconstruct", ckpt.toString(), images[0].toString(),
                images[1].toString(), "--mask-noise", npy.toString(), "--out", out1.toString())[0]).getAsJsonObject();
        JsonObject second = JsonParser.parseString(run(0, "reconstruct", ckpt.toString(), images[0].toString(),
                images[1].toString(), "--mask-noise", npy.toString(), "--out", out2.toString())[0]).getAsJsonObject();
        JsonArray a = first.getAsJsonArray("images");
        JsonArray b = second.getAsJsonArray("images");
        assertEquals(2, a.size());
        for (int i = 0; i < 2; i++) {
            JsonObject r = a.get(i).getAsJsonObject();
            double loss = r.get("loss").getAsDouble();
            assertEquals(loss, b.get(i).getAsJsonObject().get("loss").getAsDouble(), 0.0, "same noise, same loss");
            assertEquals(expectedLoss(images[i], noise[i]), loss, 1e-6 * Math.max(1, loss), "the model's loss");
            assertEquals(12, r.get("removed_patches").getAsInt());
            Path fig1 = Path.of(r.get("figure").getAsString());
            Path fig2 = Path.of(b.get(i).getAsJsonObject().get("figure").getAsString());
            assertArrayEquals(Files.readAllBytes(fig1), Files.readAllBytes(fig2), "same figure");
            BufferedImage fig = ImageIO.read(fig1.toFile());
            assertEquals(4 * 128 + 3 * 4, fig.getWidth());
            assertEquals(128, fig.getHeight());
            checkPanels(fig, ImageIO.read(images[i].toFile()), noise[i]);
        }
        assertNotEquals(a.get(0).getAsJsonObject().get("loss").getAsDouble(),
                a.get(1).getAsJsonObject().get("loss").getAsDouble());
    }

    /** Panel 1 is the image, panel 2 greys exactly the removed patches, panel 4 keeps the visible ones. */
    private static void checkPanels(BufferedImage fig, BufferedImage original, float[] noise) {
        Integer[] order = new Integer[16];
        for (int i = 0; i < 16; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Float.compare(noise[p], noise[q]));
        boolean[] visible = new boolean[16];
        for (int k = 0; k < 4; k++) {
            visible[order[k]] = true;
        }
        int panel = 128 + 4;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int orig = original.getRGB(x, y) & 0xffffff;
                boolean vis = visible[(y / 8) * 4 + x / 8];
                assertEquals(orig, fig.getRGB(x * 4 + 1, y * 4 + 2) & 0xffffff, "original at " + x + "," + y);
                assertEquals(vis ? orig : 0x808080, fig.getRGB(panel + x * 4, y * 4) & 0xffffff, "masked");
                if (vis) {
                    assertEquals(orig, fig.getRGB(3 * panel + x * 4 + 3, y * 4 + 3) & 0xffffff, "pasted");
                }
            }
        }
    }

    @Test
    void oneImageTakesAVectorAndTheMaskRatioCanBeChanged() throws Exception {
        Path npy = dir.resolve("one.npy");
        writeNpy(npy, new long[] {16}, noise[1]);
        JsonObject r = JsonParser.parseString(run(0, "reconstruct", ckpt.toString(), images[1].toString(),
                "--mask-noise", npy.toString(), "--mask-ratio", "0.5", "--out", dir.resolve("o").toString())[0])
                .getAsJsonObject();
        assertEquals(0.5, r.get("mask_ratio").getAsDouble());
        assertEquals(8, r.getAsJsonArray("images").get(0).getAsJsonObject().get("removed_patches").getAsInt());

        String[] wrong = run(Main.USER_ERROR, "reconstruct", ckpt.toString(), images[0].toString(),
                images[1].toString(), "--mask-noise", npy.toString());
        assertTrue(wrong[1].contains("one.npy") && wrong[1].contains("(2, 16)"), wrong[1]);
        String[] notCkpt = run(Main.USER_ERROR, "reconstruct", dir.toString(), images[0].toString());
        assertTrue(notCkpt[1].contains("not a checkpoint folder"), notCkpt[1]);
    }

    @Test
    void seedGivesReproducibleNoise() throws Exception {
        String a = run(0, "reconstruct", ckpt.toString(), images[0].toString(), "--seed", "5", "--out",
                dir.resolve("s1").toString())[0];
        String b = run(0, "reconstruct", ckpt.toString(), images[0].toString(), "--seed", "5", "--out",
                dir.resolve("s1").toString())[0];
        assertEquals(a, b);
    }

    private static float[] concat(float[] x, float[] y) {
        float[] out = new float[x.length + y.length];
        System.arraycopy(x, 0, out, 0, x.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }
}
