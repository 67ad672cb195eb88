/**
 * The data module: data sources, transforms and datasets registered by {@link org.easycv4j.data.DataModule},
 * the {@link org.easycv4j.data.Sample} record that flows through a pipeline, and seeded randomness.
 */
package org.easycv4j.data;
