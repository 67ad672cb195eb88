package org.easycv4j.core.optim.schedule;

import org.easycv4j.core.config.ConfigNode;

/**
 * mmcv's warmup, shared by every lr policy: {@code warmup} (null, "constant", "linear", "exp"),
 * {@code warmup_iters}, {@code warmup_ratio}, {@code warmup_by_epoch}. During warmup the regular lr is
 * scaled: linear {@code 1 - (1 - t/T)(1 - ratio)}, constant {@code ratio}, exp {@code ratio^(1 - t/T)}.
 */
public record Warmup(Style style, double iters, double ratio, boolean byEpoch) {

    /** How the lr rises during warmup ({@code warmup}); NONE: no warmup. */
    public enum Style {
        NONE, CONSTANT, LINEAR, EXP
    }

    /** No warmup. */
    public static final Warmup NONE = new Warmup(Style.NONE, 0, 1, false);

    public static Warmup fromConfig(ConfigNode n) {
        Style style = n.choice("warmup", Style.NONE);
        double iters = n.number("warmup_iters", 0);
        n.check(iters >= 0, "warmup_iters", "expected warmup_iters >= 0, got " + iters);
        n.check(style != Style.NONE || !n.has("warmup_iters") || iters == 0, "warmup_iters",
                "warmup_iters is set but warmup is not; set warmup = linear (or constant, exp)");
        double ratio = n.numberIn("warmup_ratio", 0.1, 0.0, 1.0);
        boolean byEpoch = n.bool("warmup_by_epoch", false);
        return new Warmup(style, iters, ratio, byEpoch);
    }

    /** The warmed-up lr at batch iteration {@code iter}. */
    public double apply(double regularLr, long iter, long itersPerEpoch) {
        double total = byEpoch ? iters * itersPerEpoch : iters;
        if (style == Style.NONE || iter >= total) {
            return regularLr;
        }
        double t = iter / total;
        return switch (style) {
            case CONSTANT -> regularLr * ratio;
            case LINEAR -> regularLr * (1 - (1 - t) * (1 - ratio));
            case EXP -> regularLr * Math.pow(ratio, 1 - t);
            case NONE -> regularLr;
        };
    }
}
