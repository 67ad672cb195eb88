package org.easycv4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * What a forward pass produced.
 *
 * @param loss the scalar loss (may be null for a prediction-only pass)
 * @param outputs the model's outputs for evaluators and visualisation (e.g. logits, or MAE's prediction and mask)
 */
public record StepOutput(NDArray loss, NDList outputs) {}
