package org.easycv4j.tools.plot;

import com.google.inject.AbstractModule;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;
import org.easycv4j.core.registry.CoreKinds;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;
import org.easycv4j.core.runner.Hook;

/** Registers the hook {@code PlotHook}. */
public final class PlotModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.of(binder(), CoreKinds.HOOK).add("PlotHook", Factory.class);
    }

    /** @param width image width in pixels; @param height image height in pixels */
    public record Settings(int width, int height) {
        public static Settings fromConfig(ConfigNode node) {
            return new Settings(node.integerAtLeast("width", Plots.WIDTH, 100),
                    node.integerAtLeast("height", Plots.HEIGHT, 100));
        }
    }

    /** {@code {type = PlotHook, width = 800, height = 500}}. */
    public static final class Factory implements ComponentFactory<Settings, Hook> {
        @Override
        public String description() {
            return "renders loss, lr and accuracy curves from metrics.jsonl to WORK_DIR/plots/*.png when the run ends";
        }

        @Override
        public Settings settings(ConfigNode node) {
            return Settings.fromConfig(node);
        }

        @Override
        public Hook create(Settings settings, BuildContext context) {
            return new PlotHook(settings.width(), settings.height());
        }
    }
}
