package org.easycv4j.core.registry;

import org.easycv4j.core.config.ComponentBuildException;

/**
 * A component that has been parsed and checked but not built yet: its kind, registered type name,
 * config path and typed settings.
 *
 * @param <T> the component type
 */
public final class Spec<T> {
    private final Kind<T> kind;
    private final String path;
    private final ComponentType<Object, ?> type;
    private final Object settings;

    Spec(Kind<T> kind, String path, ComponentType<Object, ?> type, Object settings) {
        this.kind = kind;
        this.path = path;
        this.type = type;
        this.settings = settings;
    }

    public Kind<T> kind() {
        return kind;
    }

    /** The registered name, as written in the config's {@code type}. */
    public String type() {
        return type.name();
    }

    /** The config path of this component, e.g. {@code data.train.pipeline[2]}. */
    public String path() {
        return path;
    }

    /** The typed settings record. */
    public Object settings() {
        return settings;
    }

    /** Builds the component; a failure names the config path and type. */
    public T create(BuildContext context) {
        Object built;
        try {
            built = type.create(settings, context);
        } catch (ComponentBuildException e) {
            throw e;
        } catch (Exception e) {
            throw new ComponentBuildException(path + " (type " + type + "): " + e.getMessage(), e);
        }
        if (!kind.type().isInstance(built)) {
            throw new ComponentBuildException(path + " (type " + type + "): it built a " + built.getClass().getName()
                    + ", not a " + kind.type().getName());
        }
        return kind.type().cast(built);
    }

    @Override
    public String toString() {
        return kind + " " + type + " at " + path;
    }
}
