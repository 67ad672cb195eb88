/**
 * Checkpoints: named tensors (safetensors) for the model and the optimizer plus a JSON sidecar with the
 * training state, resolved config and provenance, written to a temporary folder and renamed into place.
 */
package org.easycv4j.core.checkpoint;
