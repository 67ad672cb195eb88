package org.easycv4j.data.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import java.util.Optional;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenCV (bytedeco) decoding and resizing: libjpeg-turbo and SIMD resize, about twice ImageIO's speed.
 * EXIF orientation is ignored, as PIL (and so EasyCV) ignores it. OpenCV's bilinear / bicubic do not
 * antialias, so reductions by 2x or more use INTER_AREA (a box filter) instead, which stays close to
 * PIL's antialiased result.
 */
public final class OpenCvBackend implements ImageBackend {
    private static final Logger LOG = LoggerFactory.getLogger(OpenCvBackend.class);
    private static volatile Optional<OpenCvBackend> instance;
    /** OpenCV's own threads per call; the loader parallelises over images, so by default none (1). */
    private static volatile int numThreads = 1;

    private OpenCvBackend() {}

    /** The backend, or empty when the native libraries cannot be loaded on this platform (reason logged once). */
    public static Optional<OpenCvBackend> tryLoad() {
        Optional<OpenCvBackend> i = instance;
        if (i == null) {
            synchronized (OpenCvBackend.class) {
                i = instance;
                if (i == null) {
                    try {
                        Loader.load(opencv_imgcodecs.class);
                        Loader.load(opencv_imgproc.class);
                        // The loader parallelises over images; OpenCV's own thread pool would only contend.
                        org.bytedeco.opencv.global.opencv_core.setNumThreads(numThreads);
                        i = Optional.of(new OpenCvBackend());
                    } catch (Throwable t) {
                        LOG.warn("OpenCV natives unavailable ({}); image decoding falls back to ImageIO", t.toString());
                        i = Optional.empty();
                    }
                    instance = i;
                }
            }
        }
        return i;
    }

    /**
     * EasyCV's {@code opencv_num_threads} ({@code cv2.setNumThreads}): threads OpenCV may use inside one decode or
     * resize; 0 and 1 mean none. Applies now when OpenCV is loaded, else when it loads.
     */
    public static void setNumThreads(int n) {
        synchronized (OpenCvBackend.class) {
            numThreads = n;
            Optional<OpenCvBackend> i = instance;
            if (i != null && i.isPresent()) {
                org.bytedeco.opencv.global.opencv_core.setNumThreads(n);
            }
        }
    }

    @Override
    public String name() {
        return "opencv";
    }

    @Override
    public ByteImage decode(byte[] encoded, boolean toRgb) throws ImageDecodeException {
        ImageFormats.checkComplete(encoded);
        try (PointerScope scope = new PointerScope()) {
            Mat buf = new Mat(1, encoded.length, CV_8UC1, new BytePointer(encoded));
            int flags = (toRgb ? opencv_imgcodecs.IMREAD_COLOR : opencv_imgcodecs.IMREAD_ANYCOLOR)
                    | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
            Mat m = opencv_imgcodecs.imdecode(buf, flags);
            if (m == null || m.empty()) {
                throw new ImageDecodeException("not an image OpenCV can decode (corrupt or unsupported format)");
            }
            int ch = m.channels();
            Mat rgb;
            if (ch == 3) {
                rgb = new Mat();
                opencv_imgproc.cvtColor(m, rgb, opencv_imgproc.COLOR_BGR2RGB);
            } else if (ch == 4) {
                rgb = new Mat();
                opencv_imgproc.cvtColor(m, rgb, opencv_imgproc.COLOR_BGRA2RGB);
            } else if (ch == 1) {
                rgb = m;
            } else {
                throw new ImageDecodeException("unsupported channel count " + ch);
            }
            return copyOut(rgb);
        } catch (RuntimeException e) {
            throw new ImageDecodeException("OpenCV failed to decode: " + e.getMessage(), e);
        }
    }

    @Override
    public ByteImage resize(ByteImage src, int x, int y, int w, int h, int outW, int outH, Interpolation interpolation) {
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > src.width() || y + h > src.height()) {
            throw new IllegalArgumentException("region (" + x + ", " + y + ", " + w + ", " + h
                    + ") outside a " + src.width() + "x" + src.height() + " image");
        }
        try (PointerScope scope = new PointerScope()) {
            // Copy only the region's rows into native memory: crops are often a fraction of the image.
            int c = src.channels();
            int rowBytes = w * c;
            BytePointer region = new BytePointer((long) rowBytes * h);
            byte[] px = src.pixels();
            for (int r = 0; r < h; r++) {
                region.position((long) r * rowBytes).put(px, ((y + r) * src.width() + x) * c, rowBytes);
            }
            region.position(0);
            Mat roi = new Mat(h, w, CV_8UC(c), region);
            Mat dst = new Mat();
            int mode;
            if (interpolation == Interpolation.NEAREST) {
                mode = opencv_imgproc.INTER_NEAREST;
            } else if (w >= 2 * outW && h >= 2 * outH) {
                mode = opencv_imgproc.INTER_AREA;
            } else {
                mode = interpolation == Interpolation.BICUBIC ? opencv_imgproc.INTER_CUBIC : opencv_imgproc.INTER_LINEAR;
            }
            opencv_imgproc.resize(roi, dst, new Size(outW, outH), 0, 0, mode);
            return copyOut(dst);
        }
    }

    private static ByteImage copyOut(Mat m) {
        Mat c = m.isContinuous() ? m : m.clone();
        int w = c.cols();
        int h = c.rows();
        int ch = c.channels();
        byte[] out = new byte[w * h * ch];
        c.data().get(out);
        return new ByteImage(w, h, ch, out);
    }
}
