package org.easycv4j.core.optim.schedule;

/** {@code lr_config.policy = Fixed}. */
public final class FixedLrFactory extends ScheduleFactory<FixedLr> {
    public FixedLrFactory() {
        super("the base lr, optionally warmed up", FixedLr::fromConfig);
    }
}
