package org.easycv4j.core.optim.schedule;

import java.util.List;
import org.easycv4j.core.config.ConfigNode;

/**
 * mmcv's warmup, shared by every lr policy: {@code warmup} (null, "constant", "linear", "exp"),
 * {@code warmup_iters}, {@code warmup_ratio}, {@code warmup_by_epoch}. During warmup the regular lr is
 * scaled: linear {@code 1 - (1 - t/T)(1 - ratio)}, constant {@code ratio}, exp {@code ratio^(1 - t/T)}.
 */
public record Warmup(String style, double iters, double ratio, boolean byEpoch) {
    private static final List<String> STYLES = List.of("none", "constant", "linear", "exp");

    public static Warmup fromConfig(ConfigNode n) {
        String style = n.choice("warmup", "none", STYLES);
        double iters = n.number("warmup_iters", 0);
        n.check(iters >= 0, "warmup_iters", "expected warmup_iters >= 0, got " + iters);
        n.check(!"none".equals(style) || !n.has("warmup_iters") || iters == 0, "warmup_iters",
                "warmup_iters is set but warmup is not; set warmup = linear (or constant, exp)");
        double ratio = n.numberIn("warmup_ratio", 0.1, 0.0, 1.0);
        boolean byEpoch = n.bool("warmup_by_epoch", false);
        return new Warmup(style, iters, ratio, byEpoch);
    }

    /** The warmed-up lr at batch iteration {@code iter}. */
    public double apply(double regularLr, long iter, long itersPerEpoch) {
        double total = byEpoch ? iters * itersPerEpoch : iters;
        if ("none".equals(style) || iter >= total) {
            return regularLr;
        }
        double t = iter / total;
        return switch (style) {
            case "constant" -> regularLr * ratio;
            case "linear" -> regularLr * (1 - (1 - t) * (1 - ratio));
            case "exp" -> regularLr * Math.pow(ratio, 1 - t);
            default -> throw new IllegalStateException(style);
        };
    }
}
