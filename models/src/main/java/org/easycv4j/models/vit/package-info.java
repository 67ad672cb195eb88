/**
 * Vision Transformer building blocks with timm's parameter names (patch embedding, pre-norm blocks with fused
 * qkv, fixed 2-D sin-cos position embeddings, drop path), shared by the MAE and the classifier.
 */
package org.easycv4j.models.vit;
