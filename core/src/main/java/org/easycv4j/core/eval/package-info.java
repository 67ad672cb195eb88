/**
 * Evaluators (registry kind "evaluator"): they accumulate a model's outputs over a validation pass and turn
 * them into named metrics, which the logger, the best-checkpoint tracking and {@code tools/eval} report.
 */
package org.easycv4j.core.eval;
