package org.easycv4j.core.optim;

import ai.djl.ndarray.types.Shape;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.easycv4j.core.config.ComponentBuildException;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.LayerIds;

/**
 * Per-parameter learning-rate scale and weight decay, from parameter names and shapes.
 *
 * <p>Order of application, later steps overriding earlier ones: the optimizer's {@code weight_decay}; the
 * MAE-repo switch {@code no_decay_1d = true} (no decay for 1-D parameters, names ending in {@code .bias} and
 * the names in {@code no_decay_names}, default {@code [pos_embed, cls_token]}); then each
 * {@code paramwise_options} entry in list order. The lr scale is the product of the layer-wise decay and the
 * matching rules' {@code lr_mult}s.
 *
 * <p>Layer-wise lr decay ({@code layer_decay}, 1 = off): the model says which layer each parameter is in
 * ({@link LayerIds}, from {@code TaskModel.layerIds()}: for a ViT the MAE repo's rule, see the models module), and
 * the scale of layer id i is {@code layer_decay^(num_layers − i)}.
 *
 * <p>EasyCV's rule is {@code paramwise_options = [{pattern = "(bias|norm|pos_embed|mask_token)",
 * weight_decay = 0}]}; the MAE repo's is {@code no_decay_1d = true}.
 *
 * <p>{@code paramwise_options} may also be written as EasyCV writes it, an object of pattern → options
 * ({@link PatternOptions}): then each matching entry sets the lr scale and weight decay relative to the
 * optimizer's own (replacing the layer-wise scale and what earlier entries set), and the last matching entry
 * in the file wins. Entries are ordered by their line; when entries whose order is unknown (written on one
 * line, or in different files) disagree on a parameter, building the optimizer fails instead of guessing.
 */
public record ParamGroups(double weightDecay, List<ParamRule> rules, boolean noDecay1d, Set<String> noDecayNames,
        double layerDecay, List<PatternOptions> patternOptions) {

    private static final List<String> PATTERN_OPTION_KEYS = List.of("lr", "lr_mult", "weight_decay",
            "weight_decay_mult");

    /** The ordered-list form only. */
    public ParamGroups(double weightDecay, List<ParamRule> rules, boolean noDecay1d, Set<String> noDecayNames,
            double layerDecay) {
        this(weightDecay, rules, noDecay1d, noDecayNames, layerDecay, List.of());
    }

    /** What one parameter gets. */
    public record Assignment(int layerId, double lrScale, double weightDecay) {}

    /** Plain AdamW: one weight decay, lr scale 1 everywhere. */
    public static ParamGroups uniform(double weightDecay) {
        return new ParamGroups(weightDecay, List.of(), false, Set.of(), 1.0);
    }

    /**
     * Reads {@code paramwise_options}, {@code no_decay_1d}, {@code no_decay_names} and {@code layer_decay};
     * {@code lr} is the optimizer's (for the dict form's absolute {@code lr} option).
     */
    public static ParamGroups fromConfig(ConfigNode n, double lr, double weightDecay) {
        List<ParamRule> rules = new ArrayList<>();
        List<PatternOptions> options = new ArrayList<>();
        if (n.has("paramwise_options") && n.config().getValue("paramwise_options").valueType()
                == ConfigValueType.OBJECT) {
            ConfigNode dict = n.optObject("paramwise_options").orElseThrow();
            for (String key : dict.config().root().keySet()) {
                dict.optObject(key).ifPresent(o -> options.add(o.parse(e -> patternOptions(key, e, lr, weightDecay))));
            }
            dict.finish();
            options.sort(Comparator.comparing(PatternOptions::file).thenComparingInt(PatternOptions::line));
        } else {
            for (ConfigNode r : n.objects("paramwise_options")) {
                rules.add(r.parse(ParamGroups::rule));
            }
        }
        boolean noDecay1d = n.bool("no_decay_1d", false);
        List<String> names = n.strings("no_decay_names", List.of("pos_embed", "cls_token"));
        double decay = n.number("layer_decay", 1.0);
        n.check(decay > 0 && decay <= 1, "layer_decay", "expected a number in (0, 1], got " + decay);
        return new ParamGroups(weightDecay, List.copyOf(rules), noDecay1d, Set.copyOf(names), decay,
                List.copyOf(options));
    }

    /** {@link #fromConfig(ConfigNode, double, double)} for optimizers whose lr is not known here. */
    public static ParamGroups fromConfig(ConfigNode n, double weightDecay) {
        return fromConfig(n, Double.NaN, weightDecay);
    }

    /** One entry of the dict form, its options resolved against the optimizer's lr and weight decay. */
    private static PatternOptions patternOptions(String regex, ConfigNode e, double lr, double weightDecay) {
        Pattern p = Pattern.compile("$^");
        try {
            p = Pattern.compile(regex);
        } catch (PatternSyntaxException ex) {
            e.problems().add(e.path(), e.origin(), "not a valid regular expression: " + ex.getDescription());
        }
        for (String k : PATTERN_OPTION_KEYS) {
            OptionalDouble v = opt(e, k);
            e.check(v.isEmpty() || v.getAsDouble() >= 0, k, "expected a number >= 0, got " + v);
        }
        OptionalDouble lrMult = opt(e, "lr_mult");
        OptionalDouble lrAbs = opt(e, "lr");
        e.check(!(lrMult.isPresent() && lrAbs.isPresent()), "lr_mult", "set lr or lr_mult, not both");
        e.check(lrAbs.isEmpty() || !Double.isNaN(lr), "lr", "this optimizer takes no per-parameter lr");
        OptionalDouble scale = lrAbs.isPresent() ? OptionalDouble.of(lrAbs.getAsDouble() / lr) : lrMult;
        OptionalDouble wd = opt(e, "weight_decay");
        OptionalDouble wdMult = opt(e, "weight_decay_mult");
        e.check(!(wd.isPresent() && wdMult.isPresent()), "weight_decay_mult", "set weight_decay or "
                + "weight_decay_mult, not both");
        if (wdMult.isPresent()) {
            wd = OptionalDouble.of(weightDecay * wdMult.getAsDouble());
        }
        if (scale.isEmpty() && wd.isEmpty() && e.config().root().isEmpty()) {
            e.problems().add(e.path(), e.origin(), "expected at least one of " + String.join(", ",
                    PATTERN_OPTION_KEYS));
        }
        String file = e.origin().filename() != null ? e.origin().filename()
                : e.origin().url() != null ? e.origin().url().toString()
                : e.origin().resource() != null ? e.origin().resource() : "(text)";
        return new PatternOptions(p, scale, wd, file, e.origin().lineNumber());
    }

    private static ParamRule rule(ConfigNode r) {
        String regex = r.string("pattern");
        Pattern p = Pattern.compile("$^");
        try {
            p = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            r.problem("pattern", "not a valid regular expression: " + e.getDescription());
        }
        OptionalDouble lrMult = opt(r, "lr_mult");
        OptionalDouble wd = opt(r, "weight_decay");
        OptionalDouble wdMult = opt(r, "weight_decay_mult");
        OptionalDouble decayMult = opt(r, "decay_mult");
        r.check(!(wdMult.isPresent() && decayMult.isPresent()), "decay_mult", "set weight_decay_mult or decay_mult,"
                + " not both");
        if (decayMult.isPresent()) {
            wdMult = decayMult;
        }
        r.check(!(wd.isPresent() && wdMult.isPresent()), "weight_decay_mult", "set weight_decay or "
                + "weight_decay_mult, not both");
        r.check(lrMult.isPresent() || wd.isPresent() || wdMult.isPresent(), "pattern",
                "a rule needs at least one of lr_mult, weight_decay, weight_decay_mult");
        for (String k : new String[] {"lr_mult", "weight_decay", "weight_decay_mult", "decay_mult"}) {
            OptionalDouble v = opt(r, k);
            r.check(v.isEmpty() || v.getAsDouble() >= 0, k, "expected a number >= 0, got " + v);
        }
        return new ParamRule(p, lrMult, wd, wdMult);
    }

    private static OptionalDouble opt(ConfigNode n, String key) {
        return n.has(key) ? OptionalDouble.of(n.number(key)) : OptionalDouble.empty();
    }

    /** Assignment of one parameter; {@code layers} are those of the model it belongs to. */
    public Assignment assign(String name, Shape shape, LayerIds layers) {
        int id = layers.of(name);
        double scale = layerDecay == 1.0 ? 1.0 : Math.pow(layerDecay, layers.numLayers() - id);
        double wd = weightDecay;
        if (noDecay1d && (shape.dimension() == 1 || name.endsWith(".bias") || noDecayNames.contains(name))) {
            wd = 0.0;
        }
        if (!patternOptions.isEmpty()) {
            return assignPatternOptions(name, id, scale, wd);
        }
        for (ParamRule r : rules) {
            if (r.matches(name)) {
                if (r.lrMult().isPresent()) {
                    scale *= r.lrMult().getAsDouble();
                }
                if (r.weightDecay().isPresent()) {
                    wd = r.weightDecay().getAsDouble();
                }
                if (r.weightDecayMult().isPresent()) {
                    wd = weightDecay * r.weightDecayMult().getAsDouble();
                }
            }
        }
        return new Assignment(id, scale, wd);
    }

    /** EasyCV's dict form: each matching entry replaces the values, the last one in the dict wins. */
    private Assignment assignPatternOptions(String name, int id, double scale, double wd) {
        PatternOptions lrFrom = null;
        PatternOptions wdFrom = null;
        for (PatternOptions o : patternOptions) {
            if (!o.matches(name)) {
                continue;
            }
            if (o.lrScale().isPresent()) {
                checkOrder(name, "lr", lrFrom, scale, o, o.lrScale().getAsDouble());
                scale = o.lrScale().getAsDouble();
                lrFrom = o;
            }
            if (o.weightDecay().isPresent()) {
                checkOrder(name, "weight decay", wdFrom, wd, o, o.weightDecay().getAsDouble());
                wd = o.weightDecay().getAsDouble();
                wdFrom = o;
            }
        }
        return new Assignment(id, scale, wd);
    }

    private static void checkOrder(String name, String what, PatternOptions earlier, double before,
            PatternOptions later, double after) {
        if (earlier != null && before != after && !earlier.before(later)) {
            throw new ComponentBuildException("optimizer.paramwise_options: \"" + earlier.pattern().pattern()
                    + "\" (" + earlier.file() + ":" + earlier.line() + ") and \"" + later.pattern().pattern() + "\" ("
                    + later.file() + ":" + later.line() + ") both match " + name + " with a different " + what
                    + ", and their order is unknown (they are on one line or in different files); write them on "
                    + "separate lines of one file, or use the ordered list form");
        }
    }
}
