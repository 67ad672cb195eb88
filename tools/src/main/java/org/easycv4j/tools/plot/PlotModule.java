package org.easycv4j.tools.plot;

import com.google.inject.AbstractModule;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;
import org.easycv4j.core.runner.Hook;

/** Registers the hook {@code PlotHook}. */
public final class PlotModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.of(binder(), Hook.KIND)
                .add(ComponentType.of("PlotHook",
                        "renders loss, lr and accuracy curves from metrics.jsonl to WORK_DIR/plots/*.png when the run "
                                + "ends",
                        Settings::fromConfig, (s, ctx) -> new PlotHook(s.width(), s.height())));
    }

    /**
     * {@code {type = PlotHook, width = 800, height = 500}}.
     *
     * @param width image width in pixels
     * @param height image height in pixels
     */
    public record Settings(int width, int height) {
        public static Settings fromConfig(ConfigNode node) {
            return new Settings(node.integerAtLeast("width", Plots.WIDTH, 100),
                    node.integerAtLeast("height", Plots.HEIGHT, 100));
        }
    }
}
