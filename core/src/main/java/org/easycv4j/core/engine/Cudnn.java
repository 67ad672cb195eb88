package org.easycv4j.core.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/** PyTorch's process-wide cuDNN switches. */
public final class Cudnn {
    private Cudnn() {}

    /**
     * {@code torch.backends.cudnn.benchmark}: let cuDNN time and pick the fastest convolution algorithms for
     * each input shape. A no-op on other engines; on PyTorch without CUDA the flag is set and never consulted.
     */
    public static void benchmark(boolean on) {
        if ("PyTorch".equals(Engine.getDefaultEngineName())) {
            JniUtils.setBenchmarkCuDNN(on);
        }
    }
}
