package org.easycv4j.core.optim.schedule;

import com.google.inject.AbstractModule;
import org.easycv4j.core.optim.LrSchedule;
import org.easycv4j.core.optim.ParamSchedule;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;

/** Registers the lr policies (lr_config.policy) and the other schedules (param_scheduler) core ships. */
public final class ScheduleRegistrations extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        // An lr policy's settings record is the schedule itself.
        Registrations.of(binder(), LrSchedule.KIND)
                .add(ComponentType.of("Fixed", "the base lr, optionally warmed up",
                        FixedLr::fromConfig, (s, ctx) -> s))
                .add(ComponentType.of("Step", "multiplies the lr by gamma at listed epochs",
                        StepLr::fromConfig, (s, ctx) -> s))
                .add(ComponentType.of("Poly", "decays the lr polynomially to min_lr over the run",
                        PolyLr::fromConfig, (s, ctx) -> s))
                .add(ComponentType.of("CosineAnnealing", "cosine decay to min_lr with linear, constant or exp warmup",
                        CosineAnnealing::fromConfig, (s, ctx) -> s))
                .add(ComponentType.of("CosineAnnealingWarmupByEpoch",
                        "EasyCV's cosine decay whose warmup lr changes once per epoch",
                        CosineAnnealingWarmupByEpoch::fromConfig, (s, ctx) -> s));
        Registrations.of(binder(), ParamSchedule.KIND)
                .add(ComponentType.of("CosineAnnealingParamScheduler",
                        "mmengine's cosine schedule of weight_decay from its configured value to eta_min",
                        CosineAnnealingParam::fromConfig, (s, ctx) -> s));
    }
}
