package org.easycv4j.core.optim;

import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * One entry of EasyCV's dict form of {@code paramwise_options} ({@code {"pattern" = {options}}}), applied with
 * EasyCV's {@code build_optimizer} semantics: every option is relative to the optimizer's own setting, never to
 * what an earlier entry set, and of several matching entries the last one in the dict wins.
 *
 * @param lrScale the parameter's lr over the optimizer's lr ({@code lr_mult}, or {@code lr} / optimizer lr)
 * @param weightDecay the parameter's weight decay ({@code weight_decay}, or {@code weight_decay_mult} times the
 *     optimizer's)
 * @param file the config file the entry was written in (its order is only known within one file)
 * @param line its line there
 */
public record PatternOptions(Pattern pattern, OptionalDouble lrScale, OptionalDouble weightDecay, String file,
        int line) {

    public boolean matches(String name) {
        return pattern.matcher(name).find();
    }

    /** True when this entry and {@code other} are known to come in this order in the dict. */
    boolean before(PatternOptions other) {
        return file.equals(other.file) && line < other.line;
    }
}
