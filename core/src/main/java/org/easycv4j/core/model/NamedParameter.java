package org.easycv4j.core.model;

import ai.djl.nn.Parameter;

/**
 * A model parameter with its stable, timm-style name ({@code blocks.3.attn.qkv.weight}).
 *
 * @param name the dotted name used by checkpoints and optimizer rules
 * @param parameter the DJL parameter
 */
public record NamedParameter(String name, Parameter parameter) {}
