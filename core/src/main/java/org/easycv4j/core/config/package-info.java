/**
 * Reading the experiment configuration: layering (includes, overrides, system properties, every module's
 * reference.conf) and a strict reader ({@link org.easycv4j.core.config.ConfigNode}) that collects every problem
 * with its file, line and key path instead of stopping at the first, so one run reports all mistakes of a config.
 */
package org.easycv4j.core.config;
