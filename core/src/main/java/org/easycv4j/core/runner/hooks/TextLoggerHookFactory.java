package org.easycv4j.core.runner.hooks;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;
import org.easycv4j.core.runner.Hook;

/** {@code log_config.hooks = [{type = TextLoggerHook}]}. */
public final class TextLoggerHookFactory implements ComponentFactory<TextLoggerHookFactory.Settings, Hook> {

    /** @param interval iterations between lines; 0 (default) takes {@code log_config.interval} */
    public record Settings(int interval) {
        public static Settings fromConfig(ConfigNode node) {
            return new Settings(node.integerAtLeast("interval", 0, 0));
        }
    }

    @Override
    public String description() {
        return "logs lr, loss, timings, memory and ETA to the console, train.log and metrics.jsonl";
    }

    @Override
    public Settings settings(ConfigNode node) {
        return Settings.fromConfig(node);
    }

    @Override
    public Hook create(Settings settings, BuildContext context) {
        return new TextLoggerHook(settings.interval());
    }
}
