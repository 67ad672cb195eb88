package org.easycv4j.core.optim;

import org.easycv4j.core.registry.Kind;

/**
 * A schedule of an optimizer value other than the lr, per optimizer step (registry kind "param scheduler", an
 * entry of the config's {@code param_scheduler} list, as mmengine's parameter schedulers; the lr is
 * {@code lr_config}'s). {@link ParamScheduler} applies it before every step.
 */
public interface ParamSchedule {
    /** The registry kind of {@code ParamSchedule}s (tools/list param_scheduler). */
    Kind<ParamSchedule> KIND = Kind.of("param scheduler", ParamSchedule.class,
            "schedules an optimizer value other than the lr per optimizer step (param_scheduler)");

    /** The optimizer values a schedule can set. */
    enum Param {
        /** Every parameter's weight decay, as a factor on its configured one (0 stays 0). */
        WEIGHT_DECAY
    }

    /** Which value this schedule sets. */
    Param param();

    /**
     * The value at optimizer step {@code step} (0-based) of one configured as {@code base}.
     *
     * @param stepsPerEpoch optimizer steps per epoch
     * @param maxSteps optimizer steps in the whole run
     */
    double value(double base, long step, long stepsPerEpoch, long maxSteps);
}
