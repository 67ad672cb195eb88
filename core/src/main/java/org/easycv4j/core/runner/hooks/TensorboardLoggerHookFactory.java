package org.easycv4j.core.runner.hooks;

import java.nio.file.Path;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;
import org.easycv4j.core.runner.Hook;

/** {@code log_config.hooks = [{type = TextLoggerHook}, {type = TensorboardLoggerHook}]}. */
public final class TensorboardLoggerHookFactory
        implements ComponentFactory<TensorboardLoggerHookFactory.Settings, Hook> {

    /**
     * @param logDir the event files' folder (default {@code WORK_DIR/tf_logs})
     * @param interval iterations between training records; 0 (default) writes every line of the text logger
     * @param imageInterval epochs between figures of a model that draws one (MAE's reconstructions), and after the
     *     last; 0 draws none
     * @param numImages images of the first training batch in the figure
     */
    public record Settings(Optional<Path> logDir, int interval, int imageInterval, int numImages) {
        public static Settings fromConfig(ConfigNode node) {
            return new Settings(node.path("log_dir"), node.integerAtLeast("interval", 0, 0),
                    node.integerAtLeast("image_interval", 1, 0), node.integerAtLeast("num_images", 4, 1));
        }
    }

    @Override
    public String description() {
        return "writes the text logger's values as TensorBoard scalars, the resolved config as text and a "
                + "model's figure (MAE's reconstructions) as an image to WORK_DIR/tf_logs";
    }

    @Override
    public Settings settings(ConfigNode node) {
        return Settings.fromConfig(node);
    }

    @Override
    public Hook create(Settings settings, BuildContext context) {
        return new TensorboardLoggerHook(settings.logDir(), settings.interval(), settings.imageInterval(),
                settings.numImages());
    }
}
