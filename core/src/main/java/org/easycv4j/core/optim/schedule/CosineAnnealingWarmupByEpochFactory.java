package org.easycv4j.core.optim.schedule;

/** {@code lr_config.policy = CosineAnnealingWarmupByEpoch} (EasyCV's). */
public final class CosineAnnealingWarmupByEpochFactory extends ScheduleFactory<CosineAnnealingWarmupByEpoch> {
    public CosineAnnealingWarmupByEpochFactory() {
        super("EasyCV's cosine decay whose warmup lr changes once per epoch", CosineAnnealingWarmupByEpoch::fromConfig);
    }
}
