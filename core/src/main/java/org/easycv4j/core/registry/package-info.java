/**
 * The component registries: a config names each component by its EasyCV {@code type}, and plugin modules
 * (found through META-INF/services) register a {@link org.easycv4j.core.registry.ComponentType} per name in one Guice map per kind, so new models,
 * datasets or hooks need no change here. Types parse settings first and build later, so a whole config is
 * checked before any work starts.
 */
package org.easycv4j.core.registry;
