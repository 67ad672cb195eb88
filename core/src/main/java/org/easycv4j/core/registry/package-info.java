/**
 * The component registries: a config names each component by its EasyCV {@code type}, and plugin modules
 * (found through META-INF/services) register a factory per name in one Guice map per kind, so new models,
 * datasets or hooks need no change here. Factories parse settings first and build later, so a whole config is
 * checked before any work starts.
 */
package org.easycv4j.core.registry;
