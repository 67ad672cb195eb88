/**
 * The data module: data sources, transforms and datasets, registered by {@link org.easycv4j.data.DataModule}
 * (the only class here, so that no package of the module depends on this one). The
 * {@link org.easycv4j.data.sample.Sample} record that flows through a pipeline and the seeded randomness live in
 * {@code sample}.
 */
package org.easycv4j.data;
