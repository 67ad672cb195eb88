package org.easycv4j.core.registry;

import com.google.inject.name.Named;
import com.google.inject.name.Names;

/**
 * One kind of configurable component ("model", "optimizer", ...): the registry name used in messages and
 * by {@code tools/list}, the Java type its registered types produce, and a one-line description.
 *
 * <p>Kinds are declared by the module that defines their Java type: {@code core} declares the ones the
 * runner consumes, {@code data} declares data sources and transforms.
 *
 * @param <T> the type of component this kind's registered types build
 */
public final class Kind<T> implements Comparable<Kind<?>> {
    private final String name;
    private final Class<T> type;
    private final String description;

    private Kind(String name, Class<T> type, String description) {
        this.name = name;
        this.type = type;
        this.description = description;
    }

    public static <T> Kind<T> of(String name, Class<T> type, String description) {
        return new Kind<>(name, type, description);
    }

    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    public String description() {
        return description;
    }

    /** The binding annotation of this kind's MapBinder. */
    Named annotation() {
        return Names.named("easycv4j.registry." + name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Kind<?> k && k.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public int compareTo(Kind<?> o) {
        return name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
