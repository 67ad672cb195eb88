/**
 * The only code that talks to the PyTorch engine below DJL's API: its multi-tensor kernels (fused AdamW,
 * foreach norms, loss-scaling kernels) through a TorchScript module, and its operator profiler. Kept apart so
 * that everything else stays engine-neutral and each use has an array-operation fallback or a clear error.
 */
package org.easycv4j.core.engine;
