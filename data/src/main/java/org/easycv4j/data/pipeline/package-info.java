/**
 * Transforms (registry kind "transform") applied to one {@link org.easycv4j.data.sample.Sample} at a time with EasyCV /
 * torchvision / timm names and semantics, the {@link org.easycv4j.data.pipeline.Pipeline} composing them, and
 * batch-level {@link org.easycv4j.data.pipeline.Mixup} / CutMix.
 */
package org.easycv4j.data.pipeline;
