package org.easycv4j.core.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.easycv4j.core.util.DidYouMean;

/** The suggesting side of validation: keys written but never read, each with the closest known key. */
final class UnknownKeys {
    private UnknownKeys() {}

    /**
     * Records a problem for every key of {@code object} not in {@code read}, naming the closest read key and
     * all of them.
     *
     * @param pathOf the full path of a key of this object, for the problem
     */
    static void report(ConfigObject object, Set<String> read, UnaryOperator<String> pathOf, Problems problems) {
        Set<String> known = new TreeSet<>(read);
        for (String key : new TreeSet<>(object.keySet())) {
            if (!read.contains(key)) {
                ConfigValue v = object.get(key);
                problems.add(pathOf.apply(key), v.origin(), "unknown key" + DidYouMean.suffix(key, known)
                        + (known.isEmpty() ? "" : " (known keys: " + String.join(", ", known) + ")"));
            }
        }
    }
}
