/**
 * Small helpers every module needs and no package owns: atomic file writes, "did you mean" suggestions,
 * duration formatting, process memory, and the synthetic sinusoid images of benchmarks and tests.
 */
package org.easycv4j.core.util;
