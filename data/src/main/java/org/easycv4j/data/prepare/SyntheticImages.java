package org.easycv4j.data.prepare;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * ImageNet-like JPEGs for loader benchmarks: random sizes (short side 300..400, aspect 3:4..4:3, like typical
 * ImageNet photos of ~500x375 after their usual down-scaling), smooth colour waves plus noise so the JPEG
 * sizes and decoding costs are realistic, quality 90. Writes {@code images/NNNNNN.jpg}, {@code list.txt}
 * (paths, for SSLSourceImageList) and {@code labelled.txt} (path and a label in 0..9).
 */
public final class SyntheticImages {
    private SyntheticImages() {}

    public static List<Path> write(Path out, int count, long seed) throws IOException {
        return write(out, count, seed, 300, 400);
    }

    /** As {@link #write(Path, int, long)} with the short side uniform in [minShort, maxShort]. */
    public static List<Path> write(Path out, int count, long seed, int minShort, int maxShort) throws IOException {
        Path images = out.resolve("images");
        Files.createDirectories(images);
        SplittableRandom rng = new SplittableRandom(seed);
        List<Path> files = new ArrayList<>();
        StringBuilder list = new StringBuilder();
        StringBuilder labelled = new StringBuilder();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        Progress progress = new Progress("synthetic JPEGs", count);
        try {
            for (int i = 0; i < count; i++) {
                int shortSide = minShort + rng.nextInt(maxShort - minShort + 1);
                double aspect = Math.exp(Math.log(0.75) + rng.nextDouble() * (Math.log(4.0 / 3.0) - Math.log(0.75)));
                int w = aspect >= 1 ? (int) (shortSide * aspect) : shortSide;
                int h = aspect >= 1 ? shortSide : (int) (shortSide / aspect);
                BufferedImage img = texture(w, h, rng);
                String name = String.format("%06d.jpg", i);
                Path file = images.resolve(name);
                try (OutputStream os = Files.newOutputStream(file);
                        ImageOutputStream ios = ImageIO.createImageOutputStream(os)) {
                    writer.setOutput(ios);
                    writer.write(null, new IIOImage(img, null, null), param);
                }
                files.add(file);
                list.append("images/").append(name).append('\n');
                labelled.append("images/").append(name).append(' ').append(i % 10).append('\n');
                progress.step();
            }
        } finally {
            writer.dispose();
        }
        progress.finish();
        Files.writeString(out.resolve("list.txt"), list, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("labelled.txt"), labelled, StandardCharsets.UTF_8);
        return files;
    }

    static BufferedImage texture(int w, int h, SplittableRandom rng) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        double[] fx = new double[3];
        double[] fy = new double[3];
        double[] ph = new double[3];
        for (int c = 0; c < 3; c++) {
            fx[c] = 0.005 + rng.nextDouble() * 0.08;
            fy[c] = 0.005 + rng.nextDouble() * 0.08;
            ph[c] = rng.nextDouble() * 6.28;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) {
                    double v = 128 + 70 * Math.sin(fx[c] * x + ph[c]) * Math.cos(fy[c] * y) + 20 * rng.nextGaussian();
                    px[o + c] = (byte) Math.max(0, Math.min(255, (int) v));
                }
            }
        }
        return img;
    }
}
