package org.easycv4j.core.registry;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.optim.Optimizer;

/**
 * One registered component type: its config {@code type} name, the line {@code tools/list} prints, and the
 * two phases that build it. {@link #settings} turns the component's config subtree into a typed settings
 * record (recording every problem, touching no file or tensor); {@link #create} builds the component from
 * those settings once the whole configuration is known to be valid.
 *
 * <p>Every component is registered in this one shape, next to the others of its module:
 * <pre>{@code
 * Registrations.declare(binder(), Optimizer.KIND)
 *         .add(ComponentType.of("SGD", "SGD with momentum, Nesterov and L2 weight decay",
 *                 Sgd.Settings::fromConfig, (s, ctx) -> new Sgd(s)));
 * }</pre>
 * A type whose settings hold nested components (a dataset's data source and pipeline, a kNN probe's bank)
 * takes a reader of {@code (node, components)}: the registries it parses them with are handed to it, so no
 * factory object has to be injected.
 *
 * @param <S> the settings record
 * @param <T> the component built
 */
public final class ComponentType<S, T> {

    /** Builds the component from its settings. */
    @FunctionalInterface
    public interface Creator<S, T> {
        /** Failures here (e.g. a missing data file) are reported with the config path. */
        T create(S settings, BuildContext context) throws Exception;
    }

    private final String name;
    private final String description;
    private final BiFunction<ConfigNode, Components, S> reader;
    private final Creator<S, ? extends T> creator;

    private ComponentType(String name, String description, BiFunction<ConfigNode, Components, S> reader,
            Creator<S, ? extends T> creator) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.creator = Objects.requireNonNull(creator, "creator");
    }

    /** A type whose settings are read from its config node alone. */
    public static <S, T> ComponentType<S, T> of(String name, String description, Function<ConfigNode, S> reader,
            Creator<S, ? extends T> creator) {
        Objects.requireNonNull(reader, "reader");
        return new ComponentType<>(name, description, (node, components) -> reader.apply(node), creator);
    }

    /** A type whose settings parse nested components with {@code components}. */
    public static <S, T> ComponentType<S, T> of(String name, String description,
            BiFunction<ConfigNode, Components, S> reader, Creator<S, ? extends T> creator) {
        return new ComponentType<>(name, description, reader, creator);
    }

    /** The config {@code type} name. */
    public String name() {
        return name;
    }

    /** One line shown by {@code tools/list}. */
    public String description() {
        return description;
    }

    /** Reads and checks the settings; problems go to {@code node.problems()}. */
    public S settings(ConfigNode node, Components components) {
        return reader.apply(node, components);
    }

    /** Builds the component. */
    public T create(S settings, BuildContext context) throws Exception {
        return creator.create(settings, context);
    }

    @Override
    public String toString() {
        return name;
    }
}
