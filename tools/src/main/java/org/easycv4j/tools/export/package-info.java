/**
 * Exports ({@code tools/export}): a self-contained folder of weights, model config, preprocessing and class
 * names, loadable by {@code tools/predict} and as a DJL {@code Criteria} / {@code Predictor}.
 */
package org.easycv4j.tools.export;
