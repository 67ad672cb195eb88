package org.easycv4j.data.image;

/** Chooses an {@link ImageBackend} by the config's {@code decoder}. */
public final class ImageBackends {
    private ImageBackends() {}

    /** The config's {@code decoder}: "auto" (OpenCV if it loads, else ImageIO), "opencv", "imageio". */
    public enum Decoder { AUTO, OPENCV, IMAGEIO }

    public static ImageBackend create(Decoder decoder) {
        return switch (decoder) {
            case IMAGEIO -> new ImageIoBackend();
            case OPENCV -> OpenCvBackend.tryLoad().orElseThrow(() -> new IllegalStateException(
                    "decoder = opencv, but the OpenCV native libraries could not be loaded on this platform"
                            + " (see the log); use decoder = auto or imageio"));
            case AUTO -> OpenCvBackend.tryLoad().<ImageBackend>map(b -> b).orElseGet(ImageIoBackend::new);
        };
    }
}
