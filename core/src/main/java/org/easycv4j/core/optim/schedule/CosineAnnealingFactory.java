package org.easycv4j.core.optim.schedule;

/** {@code lr_config.policy = CosineAnnealing}. */
public final class CosineAnnealingFactory extends ScheduleFactory<CosineAnnealing> {
    public CosineAnnealingFactory() {
        super("cosine decay to min_lr with linear, constant or exp warmup", CosineAnnealing::fromConfig);
    }
}
