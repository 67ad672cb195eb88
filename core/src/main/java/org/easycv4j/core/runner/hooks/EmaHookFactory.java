package org.easycv4j.core.runner.hooks;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;
import org.easycv4j.core.runner.Hook;

/** {@code custom_hooks = [{type = EMAHook, decay = 0.9999, warmup_iters = 2000, evaluate = true}]}. */
public final class EmaHookFactory implements ComponentFactory<EmaHookFactory.Settings, Hook> {

    /**
     * @param decay EasyCV's {@code decay}
     * @param warmupIters the time constant of EasyCV's ramp {@code decay * (1 - exp(-updates / 2000))}; 0: none
     * @param evaluate validation uses the averaged weights
     */
    public record Settings(double decay, double warmupIters, boolean evaluate) {}

    @Override
    public String description() {
        return "exponential moving average of the weights (EasyCV's EMAHook), evaluated and saved as ema.safetensors";
    }

    @Override
    public Settings settings(ConfigNode node) {
        double decay = node.numberIn("decay", 0.9999, 0.0, 1.0);
        double warmup = node.number("warmup_iters", 2000);
        node.check(warmup >= 0, "warmup_iters", "expected iterations >= 0 (0: no ramp), got " + warmup);
        return new Settings(decay, warmup, node.bool("evaluate", true));
    }

    @Override
    public Hook create(Settings settings, BuildContext context) {
        return new EmaHook(settings.decay(), settings.warmupIters(), settings.evaluate());
    }
}
