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
import org.bytedeco.opencv.opencv_core.Rect;
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
            opencv_imgproc.resize(roi, dst, new Size(outW, outH), 0, 0, mode(w, h, outW, outH, interpolation));
            return copyOut(dst);
        }
    }

    /** OpenCV's filter for a w x h to outW x outH resize (see the class comment). */
    private static int mode(int w, int h, int outW, int outH, Interpolation interpolation) {
        if (interpolation == Interpolation.NEAREST) {
            return opencv_imgproc.INTER_NEAREST;
        } else if (w >= 2 * outW && h >= 2 * outH) {
            return opencv_imgproc.INTER_AREA;
        }
        return interpolation == Interpolation.BICUBIC ? opencv_imgproc.INTER_CUBIC : opencv_imgproc.INTER_LINEAR;
    }

    /**
     * Decode, region resize and colour order in native memory: only the small result is copied out. The
     * channels are swapped to RGB after the resize (per-channel filtering commutes with it exactly), so at full
     * scale the result is bit-identical to {@code resize(decode(...))}.
     */
    @Override
    public ByteImage decodeResized(EncodedImage img, int x, int y, int w, int h, int outW, int outH,
            Interpolation interpolation, boolean reduced) throws ImageDecodeException {
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > img.width() || y + h > img.height()) {
            throw new IllegalArgumentException("region (" + x + ", " + y + ", " + w + ", " + h
                    + ") outside a " + img.width() + "x" + img.height() + " image");
        }
        byte[] encoded = img.data();
        ImageFormats.checkComplete(encoded);
        int f = reduced ? ReducedDecode.factor(w, h, outW, outH) : 1;
        Scratch s = SCRATCH.get();
        try {
            int flags = (img.toRgb() ? opencv_imgcodecs.IMREAD_COLOR : opencv_imgcodecs.IMREAD_ANYCOLOR)
                    | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION | reducedFlag(f);
            // Emptied first: a failed decode must not leave the previous picture in place. The returned header
            // shares s.decoded's pixels; closed at once, it pins nothing until a GC.
            s.decoded.release();
            try (Mat buf = new Mat(1, encoded.length, CV_8UC1, s.input(encoded));
                    Mat header = opencv_imgcodecs.imdecode(buf, flags, s.decoded)) {
                // decoded into s.decoded
            }
            if (s.decoded.empty()) {
                throw new ImageDecodeException("not an image OpenCV can decode (corrupt or unsupported format)");
            }
            img.checkDecoded(s.decoded.cols(), s.decoded.rows(), f);
            int[] r = ReducedDecode.region(x, y, w, h, img.width(), img.height(), f);
            try (Rect rect = new Rect(r[0], r[1], r[2], r[3]);
                    Mat roi = s.decoded.apply(rect);
                    Size size = new Size(outW, outH)) {
                opencv_imgproc.resize(roi, s.resized, size, 0, 0, mode(r[2], r[3], outW, outH, interpolation));
            }
            int ch = s.resized.channels();
            if (ch == 3) {
                opencv_imgproc.cvtColor(s.resized, s.converted, opencv_imgproc.COLOR_BGR2RGB);
                return copyOut(s.converted);
            } else if (ch == 1) {
                return copyOut(s.resized);
            }
            throw new ImageDecodeException("unsupported channel count " + ch);
        } catch (RuntimeException e) {
            throw new ImageDecodeException("OpenCV failed to decode: " + e.getMessage(), e);
        } finally {
            s.trim();
        }
    }

    private static int reducedFlag(int f) {
        return switch (f) {
            case 1 -> 0;
            case 2 -> opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_2;
            case 4 -> opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_4;
            case 8 -> opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_8;
            default -> throw new IllegalArgumentException("reduction 1/" + f);
        };
    }

    /** Native buffers a worker thread reuses from image to image, so decoding allocates no Java-tracked memory. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        /** Buffers above this size are freed after use rather than kept for the next image. */
        private static final long KEEP_BYTES = 16L << 20;
        private BytePointer input = new BytePointer(1L << 18);
        final Mat decoded = new Mat();
        final Mat resized = new Mat();
        final Mat converted = new Mat();
        final Mat mirrored = new Mat();

        /** {@code bytes} in native memory. */
        BytePointer input(byte[] bytes) {
            if (input.capacity() < bytes.length) {
                input.close();
                input = new BytePointer(Math.max(bytes.length, 2 * input.capacity()));
            }
            input.position(0).put(bytes, 0, bytes.length);
            return input.position(0);
        }

        /** Frees what an unusually large picture left behind. */
        void trim() {
            if (input.capacity() > KEEP_BYTES) {
                input.close();
                input = new BytePointer(1L << 18);
            }
            if (!decoded.empty() && decoded.total() * decoded.elemSize() > KEEP_BYTES) {
                decoded.release();
            }
        }
    }

    /** cv::flip in native memory: a copy in and out is still a third of the Java loop's time. */
    @Override
    public ByteImage mirror(ByteImage img) {
        Scratch s = SCRATCH.get();
        byte[] px = img.pixels();
        try (Mat src = new Mat(img.height(), img.width(), CV_8UC(img.channels()), s.input(px))) {
            org.bytedeco.opencv.global.opencv_core.flip(src, s.mirrored, 1);
            return copyOut(s.mirrored);
        } finally {
            s.trim();
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
