package org.easycv4j.core.optim.schedule;

import java.util.function.Function;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.optim.LrSchedule;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;

/** A factory of an lr policy whose settings record is the schedule itself. */
abstract class ScheduleFactory<S extends LrSchedule> implements ComponentFactory<S, LrSchedule> {
    private final String description;
    private final Function<ConfigNode, S> parser;

    ScheduleFactory(String description, Function<ConfigNode, S> parser) {
        this.description = description;
        this.parser = parser;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public S settings(ConfigNode node) {
        return parser.apply(node);
    }

    @Override
    public LrSchedule create(S settings, BuildContext context) {
        return settings;
    }
}
