package org.easycv4j.data.image;

import java.util.List;

/** Chooses an {@link ImageBackend} by config name: "auto" (OpenCV if it loads, else ImageIO), "opencv", "imageio". */
public final class ImageBackends {
    private ImageBackends() {}

    public static final List<String> NAMES = List.of("auto", "opencv", "imageio");

    public static ImageBackend byName(String name) {
        return switch (name) {
            case "imageio" -> new ImageIoBackend();
            case "opencv" -> OpenCvBackend.tryLoad().orElseThrow(() -> new IllegalStateException(
                    "decoder = opencv, but the OpenCV native libraries could not be loaded on this platform"
                            + " (see the log); use decoder = auto or imageio"));
            case "auto" -> OpenCvBackend.tryLoad().<ImageBackend>map(b -> b).orElseGet(ImageIoBackend::new);
            default -> throw new IllegalArgumentException("unknown decoder \"" + name + "\"; known: " + NAMES);
        };
    }
}
