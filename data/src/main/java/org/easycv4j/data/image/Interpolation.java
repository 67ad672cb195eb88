package org.easycv4j.data.image;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Resampling filters, named as in torchvision and numbered as PIL's constants (EasyCV configs use both). */
public enum Interpolation {
    NEAREST(0), BILINEAR(2), BICUBIC(3);

    private final int pilCode;

    Interpolation(int pilCode) {
        this.pilCode = pilCode;
    }

    /** Names accepted in configs. */
    public static final List<String> NAMES = List.of("nearest", "bilinear", "bicubic", "0", "2", "3");

    /** Parses "bicubic" or PIL's number 3 (as a string). */
    public static Optional<Interpolation> parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        for (Interpolation i : values()) {
            if (t.equals(i.name().toLowerCase(Locale.ROOT)) || t.equals(Integer.toString(i.pilCode))) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
