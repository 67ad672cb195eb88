/**
 * Training curves: reading {@code metrics.jsonl} and rendering loss, learning-rate and accuracy plots to PNG,
 * from the command line ({@code tools/plot}) and at the end of a run ({@code PlotHook}).
 */
package org.easycv4j.tools.plot;
