/**
 * Data preparation behind {@code tools/prepare-data}: fetching Fashion-MNIST, class-balanced subsets, writing
 * IDX data out as image files with list files or class folders, synthetic JPEGs for loader benchmarks, and
 * the loader benchmark behind {@code tools/bench-data}.
 */
package org.easycv4j.data.prepare;
