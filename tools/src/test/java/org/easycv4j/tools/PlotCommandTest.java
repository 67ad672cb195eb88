package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tools/plot on a generated log, and the plots a training run writes when it ends. */
class PlotCommandTest {
    @TempDir
    Path dir;

    private static String[] run(int expectedExit, String... args) {
        CliRun.Result r = CliRun.run(args);
        assertEquals(expectedExit, r.code(), String.join(" ", args) + "\n" + r.err());
        return new String[] {r.out(), r.err()};
    }

    /** Pixels that are neither white nor near-white: the curves, axes and text. */
    private static int inked(BufferedImage img) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                if (((rgb >> 16) & 0xff) < 200 || ((rgb >> 8) & 0xff) < 200 || (rgb & 0xff) < 200) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void rendersLossLrAndAccuracyAtTheRequestedSize() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int epoch = 1; epoch <= 3; epoch++) {
            for (int iter = 5; iter <= 20; iter += 5) {
                long global = (epoch - 1) * 20L + iter;
                lines.add(String.format(Locale.ROOT, "{\"mode\":\"train\",\"epoch\":%d,\"iter\":%d,\"global_iter\":%d,"
                        + "\"lr\":%g,\"loss\":%g,\"time\":0.1,\"eta\":\"0:00:01\"}", epoch, iter, global,
                        1e-3 * global / 60, 2.0 / global));
            }
            lines.add(String.format(Locale.ROOT, "{\"mode\":\"val\",\"epoch\":%d,\"global_iter\":%d,\"top1\":%g,"
                    + "\"top5\":%g,\"loss\":%g}", epoch, epoch * 20L, 50.0 + 10 * epoch, 80.0 + 5 * epoch, 1.0 / epoch));
        }
        Files.write(dir.resolve("metrics.jsonl"), lines);
        String[] out = run(0, "plot", dir.toString(), "--width", "640", "--height", "400");
        for (String name : List.of("loss.png", "lr.png", "accuracy.png")) {
            Path png = dir.resolve("plots").resolve(name);
            assertTrue(out[0].contains(png.toString()), out[0]);
            BufferedImage img = ImageIO.read(png.toFile());
            assertEquals(640, img.getWidth(), name);
            assertEquals(400, img.getHeight(), name);
            assertTrue(inked(img) > 2000, name + " has curves and text");
        }
    }

    @Test
    void withoutValidationNoAccuracyPlotAndBadLinesAreNamed() throws Exception {
        Files.write(dir.resolve("metrics.jsonl"), List.of(
                "{\"mode\":\"train\",\"epoch\":1,\"iter\":1,\"global_iter\":1,\"lr\":0.1,\"loss\":2.0}",
                "{\"mode\":\"train\",\"epoch\":1,\"iter\":2,\"global_iter\":2,\"lr\":0.1,\"loss\":1.5}"));
        Path out = dir.resolve("figs");
        run(0, "plot", dir.toString(), "--out", out.toString());
        assertTrue(Files.exists(out.resolve("loss.png")) && Files.exists(out.resolve("lr.png")));
        assertFalse(Files.exists(out.resolve("accuracy.png")));
        assertEquals(800, ImageIO.read(out.resolve("lr.png").toFile()).getWidth());

        Files.writeString(dir.resolve("metrics.jsonl"), "{\"mode\":\"train\",\"epoch\":1,\"global_iter\":1,"
                + "\"lr\":0.1,\"loss\":2.0}\n{\"mode\":\"train\",\"epoch\":1,\"global_iter\":2,\"lr\":0.1}\n");
        String[] bad = run(Main.USER_ERROR, "plot", dir.toString());
        assertTrue(bad[1].contains("metrics.jsonl:2") && bad[1].contains("\"loss\""), bad[1]);
        String[] none = run(Main.USER_ERROR, "plot", dir.resolve("nothing").toString());
        assertTrue(none[1].contains("no training log"), none[1]);
    }

    @Test
    void aTrainingRunWritesItsPlotsWhenItEnds() throws Exception {
        Path work = dir.resolve("run");
        run(0, "train", Path.of("..", "configs", "toy", "toy_mlp_synthetic.conf").toString(), "--work-dir",
                work.toString(), "--set", "total_epochs=2", "--set", "progress=off");
        for (String name : List.of("loss.png", "lr.png", "accuracy.png")) {
            BufferedImage img = ImageIO.read(work.resolve("plots").resolve(name).toFile());
            assertEquals(800, img.getWidth(), name);
            assertEquals(500, img.getHeight(), name);
        }
    }
}
