package org.easycv4j.core.optim.schedule;

import java.util.Locale;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.optim.ParamSchedule;

/**
 * mmengine's {@code CosineAnnealingParamScheduler}: from the configured value at {@code begin} to {@code eta_min}
 * (or {@code eta_min_ratio} of the configured value) at {@code end}, {@code eta_min + (base - eta_min) (1 +
 * cos(pi t / T)) / 2}, in epochs ({@code by_epoch}, mmengine's default) or optimizer steps; the configured value
 * before {@code begin}, {@code eta_min} after {@code end} (default: the end of the run). {@code eta_min} above
 * the configured value rises instead (DINO's weight decay, 0.04 to 0.4).
 */
public record CosineAnnealingParam(Param param, double etaMin, double etaMinRatio, boolean byEpoch, long begin,
        long end) implements ParamSchedule {

    /** {@code end} when unset: the end of the run. */
    static final long RUN_END = -1;

    public static CosineAnnealingParam fromConfig(ConfigNode n) {
        String name = n.string("param_name");
        Param param = null;
        if (name != null) {
            switch (name) {
                case "weight_decay" -> param = Param.WEIGHT_DECAY;
                case "lr" -> n.problem("param_name", "the lr is scheduled by lr_config; param_scheduler schedules "
                        + "weight_decay");
                default -> n.problem("param_name", "expected weight_decay, got \"" + name + "\"");
            }
        }
        n.check(!(n.has("eta_min") && n.has("eta_min_ratio")), "eta_min_ratio", "set eta_min or eta_min_ratio, "
                + "not both");
        double etaMin = n.number("eta_min", 0.0);
        n.check(etaMin >= 0, "eta_min", "expected a value >= 0, got " + etaMin);
        double ratio = n.has("eta_min_ratio") ? n.number("eta_min_ratio") : Double.NaN;
        n.check(Double.isNaN(ratio) || ratio >= 0, "eta_min_ratio", "expected a ratio >= 0, got " + ratio);
        boolean byEpoch = n.bool("by_epoch", true);
        long begin = n.longValue("begin", 0);
        n.check(begin >= 0, "begin", "expected an epoch or step >= 0, got " + begin);
        long end = n.longValue("end", RUN_END);
        n.check(end == RUN_END || end > begin, "end", "expected an epoch or step after begin = " + begin + ", got "
                + end);
        return new CosineAnnealingParam(param, etaMin, ratio, byEpoch, begin, end);
    }

    @Override
    public double value(double base, long step, long stepsPerEpoch, long maxSteps) {
        double target = Double.isNaN(etaMinRatio) ? etaMin : base * etaMinRatio;
        double t = byEpoch ? (double) (step / stepsPerEpoch) : step;
        double last = end != RUN_END ? end : byEpoch ? (double) maxSteps / stepsPerEpoch : maxSteps;
        if (t <= begin) {
            return base;
        }
        if (t >= last) {
            return target;
        }
        return target + (base - target) * (1 + Math.cos(Math.PI * (t - begin) / (last - begin))) / 2;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CosineAnnealingParamScheduler(%s)", param);
    }
}
