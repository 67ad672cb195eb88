package org.easycv4j.core.optim.schedule;

/** {@code lr_config.policy = Poly} (mmcv spells it {@code poly}). */
public final class PolyLrFactory extends ScheduleFactory<PolyLr> {
    public PolyLrFactory() {
        super("decays the lr polynomially to min_lr over the run", PolyLr::fromConfig);
    }
}
