package org.easycv4j.data;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Injectors;
import org.easycv4j.core.registry.Kind;
import org.easycv4j.core.registry.Spec;

/** Test helpers: tiny images written to disk, an injector with core + data, config parsing. */
public final class Fixtures {
    private Fixtures() {}

    public static Components components() {
        return Injectors.create().getInstance(Components.class);
    }

    public static BuildContext context(Path dir) {
        return new BuildContext(dir, 42, 8, false);
    }

    public static ConfigNode node(String hocon) {
        Config c = ConfigFactory.parseString(hocon).resolve();
        return ConfigNode.root(c);
    }

    /** Parses {@code hocon} (an object with a type key) as a component of {@code kind}. */
    public static <T> Optional<Spec<T>> parse(Components components, String hocon, Kind<T> kind, ConfigNode[] out) {
        ConfigNode n = node(hocon);
        if (out != null) {
            out[0] = n;
        }
        return components.parse(n, kind);
    }

    /** A width x height RGB image whose pixel (x, y) is (seed + x, y, x + y) mod 256. */
    public static BufferedImage gradient(int width, int height, int seed) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (seed + x) & 0xFF;
                int g = y & 0xFF;
                int b = (x + y) & 0xFF;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    public static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path writeImage(Path file, int width, int height, int seed) {
        String name = file.getFileName().toString();
        String format = name.endsWith(".png") ? "png" : "jpg";
        return write(file, encode(gradient(width, height, seed), format));
    }

    public static Path writeText(Path file, String text) {
        return write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** HOCON-quoted path. */
    public static String q(Path p) {
        return ConfigUtil.quoteString(p.toString());
    }
}
