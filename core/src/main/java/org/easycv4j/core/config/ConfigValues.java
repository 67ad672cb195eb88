package org.easycv4j.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.Locale;

/**
 * The value rules under {@link ConfigNode}'s getters that Typesafe Config does not enforce, and how a value is
 * named in a problem.
 */
final class ConfigValues {
    private ConfigValues() {}

    /**
     * {@code k} when its value is a whole number; refused otherwise, because HOCON's getInt and getLong truncate
     * ({@code total_epochs = 2.5} would train 2 epochs).
     */
    static String whole(Config c, String k) {
        requireWhole(c.getValue(k), k);
        return k;
    }

    /** As {@link #whole} for every item of the list at {@code k} ({@code [224, 22.5]} would give 22). */
    static String wholeItems(Config c, String k) {
        ConfigList list = c.getList(k);
        for (ConfigValue item : list) {
            if (item.valueType() == ConfigValueType.NUMBER || item.valueType() == ConfigValueType.STRING) {
                try {
                    requireWhole(item, k);
                } catch (ConfigException.WrongType e) {
                    throw new ConfigException.WrongType(list.origin(), k, "a list of integers", describe(list));
                }
            }
        }
        return k;
    }

    private static void requireWhole(ConfigValue v, String k) {
        Object raw = v.unwrapped();
        double d;
        if (raw instanceof Number n) {
            d = n.doubleValue();
        } else if (raw instanceof String text) {
            try {
                d = Double.parseDouble(text.strip());
            } catch (NumberFormatException e) {
                return;
            }
        } else {
            return;
        }
        if (d != Math.rint(d) || Double.isInfinite(d)) {
            throw new ConfigException.WrongType(v.origin(), k, "an integer", describe(v));
        }
    }

    /** A value as a problem names it: {@code number 2.5}, {@code string "x"}, {@code list [1,2]}, {@code an object}. */
    static String describe(ConfigValue v) {
        String type = v.valueType().name().toLowerCase(Locale.ROOT);
        return switch (v.valueType()) {
            case OBJECT -> "an object";
            case LIST -> {
                String text = v.render(ConfigRenderOptions.concise());
                yield text.length() <= 60 ? "list " + text : "a list";
            }
            case NULL -> "null";
            default -> type + " " + v.render();
        };
    }

    /** Quotes a single key so that dots or special characters in it are not taken as a path. */
    static String quote(String key) {
        return ConfigUtil.quoteString(key);
    }
}
