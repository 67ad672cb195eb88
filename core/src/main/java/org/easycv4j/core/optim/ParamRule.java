package org.easycv4j.core.optim;

import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * One entry of {@code paramwise_options}: parameters whose name contains a match of {@code pattern} (regex
 * search, as EasyCV's {@code re.search}) get the given options. Unset options leave the value as is.
 *
 * @param lrMult multiplies the parameter's lr scale ({@code lr_mult})
 * @param weightDecay sets the weight decay ({@code weight_decay})
 * @param weightDecayMult multiplies the optimizer's weight decay ({@code weight_decay_mult}, EasyCV's
 *     {@code decay_mult} spelling is accepted too)
 */
public record ParamRule(Pattern pattern, OptionalDouble lrMult, OptionalDouble weightDecay,
        OptionalDouble weightDecayMult) {

    public boolean matches(String name) {
        return pattern.matcher(name).find();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{pattern = \"" + pattern.pattern() + "\"");
        lrMult.ifPresent(v -> b.append(", lr_mult = ").append(v));
        weightDecay.ifPresent(v -> b.append(", weight_decay = ").append(v));
        weightDecayMult.ifPresent(v -> b.append(", weight_decay_mult = ").append(v));
        return b.append('}').toString();
    }
}
