/**
 * Named-tensor files: safetensors reading and writing, the language-neutral format used for checkpoints and
 * for exchanging weights with PyTorch, and a restricted reader for PyTorch's pickle-based {@code torch.save}
 * files that builds tensors and nothing else.
 */
package org.easycv4j.core.io;
