/**
 * Checkpoints: named tensors (safetensors) for the model and the optimizer plus a JSON sidecar with the
 * training state, resolved config and provenance, written to a temporary folder and renamed into place; and
 * the one routine that loads named weights into a model ({@link org.easycv4j.core.checkpoint.WeightLoader})
 * under a {@link org.easycv4j.core.checkpoint.LoadPolicy}.
 */
package org.easycv4j.core.checkpoint;
