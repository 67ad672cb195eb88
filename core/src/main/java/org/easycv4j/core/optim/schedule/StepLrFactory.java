package org.easycv4j.core.optim.schedule;

/** {@code lr_config.policy = Step}. */
public final class StepLrFactory extends ScheduleFactory<StepLr> {
    public StepLrFactory() {
        super("multiplies the lr by gamma at listed epochs", StepLr::fromConfig);
    }
}
