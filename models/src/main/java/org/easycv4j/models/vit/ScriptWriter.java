package org.easycv4j.models.vit;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.ParameterNames;
import org.easycv4j.core.model.ScriptModule;

/**
 * Collects the TorchScript of one inference forward while the layers of a network emit theirs, each next to
 * its Java forward ({@code script} beside {@code apply}): the export is a walk over the same module tree that
 * computes in Java, not a second description of it. Statements are single assignments to fresh names in
 * TorchScript's serialized-code dialect, weights are read as the module's tensor attributes
 * ({@link ScriptModule#attributeName}), and the writer records which parameters the emitted code read, so that a
 * module is refused when it would not use what it declares. Only operators that PyTorch 1.x and 2.x both have
 * are emitted.
 */
public final class ScriptWriter {
    /** The forward's input, images (N, C, H, W). */
    public static final String INPUT = "x";
    private final Map<Parameter, String> names = new IdentityHashMap<>();
    private final Set<String> used = new LinkedHashSet<>();
    private final StringBuilder body = new StringBuilder();
    private int next;

    /** A writer for the parameters of {@code root}, named as {@link ParameterNames} names them. */
    public ScriptWriter(Block root) {
        for (NamedParameter p : ParameterNames.of(root)) {
            names.put(p.parameter(), p.name());
        }
    }

    /** The attribute expression of {@code p}, recorded as used. */
    public String param(Parameter p) {
        String name = names.get(p);
        if (name == null) {
            throw new IllegalStateException("parameter " + p.getName() + " is not part of the written network");
        }
        used.add(name);
        return "self." + ScriptModule.attributeName(name);
    }

    /** Emits {@code v = expression} with a fresh name {@code v} and returns it. */
    public String let(String expression) {
        String v = "v" + next++;
        body.append("    ").append(v).append(" = ").append(expression).append('\n');
        return v;
    }

    /** A float literal that reads back as exactly {@code v}. */
    public static String number(double v) {
        return String.format(Locale.ROOT, "%.17g", v);
    }

    /** A TorchScript int list, {@code [a, b]}. */
    public static String ints(long... values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ", ").append(values[i]);
        }
        return s.append(']').toString();
    }

    /**
     * The module whose forward returns {@code output} (emitted into this writer), with the tensors of
     * {@code parameters} as attributes. Refuses parameters the emitted code does not read (a head of another
     * kind, an extra layer: the module would compute something else than the model) and parameters it reads
     * that are not declared.
     */
    public ScriptModule module(String className, String output, List<NamedParameter> parameters, String description) {
        List<String> declared = parameters.stream().map(NamedParameter::name).toList();
        List<String> extra = declared.stream().filter(n -> !used.contains(n)).toList();
        List<String> missing = used.stream().filter(n -> !declared.contains(n)).sorted().toList();
        if (!extra.isEmpty() || !missing.isEmpty()) {
            throw new IllegalArgumentException("cannot write this model as TorchScript: the generated source "
                    + "does not use " + extra + " and needs " + missing);
        }
        StringBuilder s = new StringBuilder();
        s.append("class ").append(className).append("(Module):\n");
        s.append("  __parameters__ = []\n  __buffers__ = []\n  training : bool\n");
        for (String name : declared) {
            s.append("  ").append(ScriptModule.attributeName(name)).append(" : Tensor\n");
        }
        s.append("  def forward(self: __torch__.").append(className).append(",\n    ").append(INPUT)
                .append(": Tensor) -> Tensor:\n");
        s.append(body).append("    return ").append(output).append('\n');
        return new ScriptModule(className, s.toString(), parameters, description);
    }
}
