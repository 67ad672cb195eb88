package org.easycv4j.core.registry;

import org.easycv4j.core.config.ConfigNode;

/**
 * Builds one registered component type in two phases: {@link #settings} turns the component's config
 * subtree into a typed settings record (recording every problem, touching no file or tensor), and
 * {@link #create} builds the component from those settings once the whole configuration is known to be
 * valid.
 *
 * <p>Factories are instantiated by Guice, so they may {@code @Inject} what they need, e.g.
 * {@link Components} to parse nested components.
 *
 * @param <S> the settings record
 * @param <T> the component built
 */
public interface ComponentFactory<S, T> {

    /** One line shown by {@code tools/list}. */
    String description();

    /** Reads and checks the settings; problems go to {@code node.problems()}. */
    S settings(ConfigNode node);

    /** Builds the component. Failures here (e.g. a missing data file) are reported with the config path. */
    T create(S settings, BuildContext context) throws Exception;
}
