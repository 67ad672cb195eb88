/**
 * The Vision Transformer with timm's parameter names: {@link org.easycv4j.models.vit.VisionTransformer} (patch
 * embedding, pre-norm blocks with fused qkv, position embeddings, drop path, EasyCV's layer scale and hydra
 * attention) composed with a {@link org.easycv4j.models.vit.VitHead} (the classifier's head, the MAE decoder);
 * every layer computes in Java and writes its TorchScript ({@link org.easycv4j.models.vit.ScriptWriter}).
 */
package org.easycv4j.models.vit;
