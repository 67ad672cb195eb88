package org.easycv4j.core.model;

import java.util.List;

/**
 * A model written as TorchScript for serving ({@code tools/export --format torchscript}): the source of one
 * module class (TorchScript's serialized-code dialect, as in {@code code/__torch__.py} of a
 * {@code torch.jit.save} archive) whose tensor attributes are the parameters, each named
 * {@link #attributeName(String) after its dotted name}. The weights are copied in; no Python is involved.
 *
 * @param className the class defined in {@code source}
 * @param source TorchScript for {@code code/__torch__.py}
 * @param parameters the tensors the class declares as attributes
 * @param description what {@code forward} takes and returns, for export.json and the docs
 */
public record ScriptModule(String className, String source, List<NamedParameter> parameters, String description) {

    /** The attribute of a dotted parameter name: {@code blocks.0.attn.qkv.weight -> blocks_0_attn_qkv_weight}. */
    public static String attributeName(String dotted) {
        return dotted.replace('.', '_');
    }
}
