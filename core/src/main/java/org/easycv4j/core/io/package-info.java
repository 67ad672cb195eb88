/**
 * Named-tensor files: safetensors reading and writing, the language-neutral format used for checkpoints and
 * for exchanging weights with PyTorch.
 */
package org.easycv4j.core.io;
