package org.easycv4j.core.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Stable dotted parameter names ({@code blocks.3.attn.qkv.weight}) from a DJL block tree.
 *
 * <p>DJL prefixes every child name with its 1-based position ({@code "02blocks"}) and joins levels with
 * {@code _}; those names change when a block is inserted. This walk strips the position prefix and joins
 * with dots, so a block that names its children as timm does gets timm's names. Children of a
 * {@link SequentialBlock} are named by their 0-based position, as PyTorch's {@code nn.Sequential} does
 * (DJL names them after their class, which repeats).
 */
public final class ParameterNames {
    private ParameterNames() {}

    /** Every parameter below {@code block}, in DJL's order, with dotted names. */
    public static List<NamedParameter> of(Block block) {
        List<NamedParameter> out = new ArrayList<>();
        walk(block, "", out);
        return out;
    }

    private static void walk(Block block, String prefix, List<NamedParameter> out) {
        for (Parameter p : block.getDirectParameters().values()) {
            out.add(new NamedParameter(prefix + p.getName(), p));
        }
        PairList<String, Block> children = block.getChildren();
        for (int i = 0; i < children.size(); i++) {
            Pair<String, Block> child = children.get(i);
            String name = block instanceof SequentialBlock ? String.valueOf(i) : stripPosition(child.getKey(), i);
            walk(child.getValue(), prefix + name + ".", out);
        }
    }

    private static String stripPosition(String name, int index) {
        String position = String.format("%02d", index + 1);
        return name.startsWith(position) ? name.substring(position.length()) : name;
    }
}
