package org.easycv4j.core.registry;

import com.google.inject.Module;

/**
 * A Guice module that registers components. Implementations are found through
 * {@code META-INF/services/org.easycv4j.core.registry.PluginModule}, so a user's jar on the classpath
 * registers its models, transforms or hooks just by being there. A config may also name modules with
 * {@code modules = ["com.example.MyModule"]}.
 */
public interface PluginModule extends Module {}
