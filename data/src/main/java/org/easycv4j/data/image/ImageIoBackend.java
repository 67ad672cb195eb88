package org.easycv4j.data.image;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/** JDK ImageIO decoding (raster access, never getRGB) with the pure-Java resampler. Always available. */
public final class ImageIoBackend implements ImageBackend {

    static {
        ImageIO.setUseCache(false);
    }

    @Override
    public String name() {
        return "imageio";
    }

    @Override
    public ByteImage decode(byte[] encoded, boolean toRgb) throws ImageDecodeException {
        ImageFormats.checkComplete(encoded);
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(encoded));
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException("cannot decode image: " + e.getMessage(), e);
        }
        if (img == null) {
            throw new ImageDecodeException("not an image in a supported format (JPEG, PNG, BMP, GIF)");
        }
        ByteImage out = fromBuffered(img);
        return toRgb ? out.toRgb() : out;
    }

    /** Converts a decoded image to RGB or grey bytes, reading the raster directly when its layout allows. */
    static ByteImage fromBuffered(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        switch (img.getType()) {
            case BufferedImage.TYPE_BYTE_GRAY -> {
                byte[] src = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                if (src.length == w * h) {
                    return new ByteImage(w, h, 1, src.clone());
                }
            }
            case BufferedImage.TYPE_3BYTE_BGR -> {
                byte[] src = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                if (src.length == w * h * 3) {
                    byte[] out = new byte[src.length];
                    for (int i = 0; i < src.length; i += 3) {
                        out[i] = src[i + 2];
                        out[i + 1] = src[i + 1];
                        out[i + 2] = src[i];
                    }
                    return new ByteImage(w, h, 3, out);
                }
            }
            case BufferedImage.TYPE_4BYTE_ABGR -> {
                byte[] src = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                if (src.length == w * h * 4) {
                    byte[] out = new byte[w * h * 3];
                    for (int i = 0, j = 0; j < out.length; i += 4, j += 3) {
                        out[j] = src[i + 3];
                        out[j + 1] = src[i + 2];
                        out[j + 2] = src[i + 1];
                    }
                    return new ByteImage(w, h, 3, out);
                }
            }
            default -> {
                if (img.getColorModel().getNumColorComponents() == 1 && !img.getColorModel().hasAlpha()
                        && img.getRaster().getNumBands() == 1) {
                    BufferedImage g = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
                    g.getRaster().setRect(img.getRaster());
                    return fromBuffered(g);
                }
            }
        }
        BufferedImage bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = bgr.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.dispose();
        return fromBuffered(bgr);
    }

    @Override
    public ByteImage resize(ByteImage src, int x, int y, int w, int h, int outW, int outH, Interpolation interpolation) {
        return Resampler.resize(src, x, y, w, h, outW, outH, interpolation);
    }
}
