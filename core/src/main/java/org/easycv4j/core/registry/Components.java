package org.easycv4j.core.registry;

import com.google.inject.Inject;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Singleton;
import com.google.inject.util.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.util.DidYouMean;

/**
 * The registries of one injector: looks a config's {@code type} up in the registry of its kind and parses
 * the component's settings. There is no static registry; each run or test builds its own injector.
 */
@Singleton
public final class Components {
    private final Injector injector;
    private final Set<Kind<?>> kinds;

    @Inject
    Components(Injector injector, Set<Kind<?>> kinds) {
        this.injector = injector;
        this.kinds = Collections.unmodifiableSet(new TreeSet<>(kinds));
    }

    /** Every declared kind, sorted by name. */
    public Set<Kind<?>> kinds() {
        return kinds;
    }

    /** The types registered for a kind, sorted by name. */
    @SuppressWarnings("unchecked")
    public Map<String, ComponentType<?, ?>> types(Kind<?> kind) {
        Key<?> key = Key.get(Types.mapOf(String.class, Registrations.TYPE.getType()), kind.annotation());
        if (injector.getExistingBinding(key) == null) {
            return Map.of();
        }
        return new TreeMap<>((Map<String, ComponentType<?, ?>>) injector.getInstance(key));
    }

    /** Parses the component described by {@code node}, whose {@code type} key names the registered type. */
    public <T> Optional<Spec<T>> parse(ConfigNode node, Kind<T> kind) {
        return parse(node, kind, "type");
    }

    /**
     * Parses a component whose registered name is under {@code typeKey} (EasyCV's {@code lr_config} uses
     * {@code policy}). Problems are recorded in the node; empty when the type is missing or unknown.
     */
    public <T> Optional<Spec<T>> parse(ConfigNode node, Kind<T> kind, String typeKey) {
        return parse(node, kind, typeKey, UnaryOperator.identity());
    }

    /**
     * As {@link #parse(ConfigNode, Kind, String)}, with the written name turned into the registered one by
     * {@code spelling} first (mmcv's lr policies: {@code step} is {@code Step}).
     */
    @SuppressWarnings("unchecked")
    public <T> Optional<Spec<T>> parse(ConfigNode node, Kind<T> kind, String typeKey, UnaryOperator<String> spelling) {
        if (!node.has(typeKey)) {
            node.string(typeKey); // records "missing required key"
            return Optional.empty();
        }
        String type = spelling.apply(node.string(typeKey));
        Map<String, ComponentType<?, ?>> known = types(kind);
        ComponentType<?, ?> registered = known.get(type);
        if (registered == null) {
            node.problem(typeKey, "unknown " + kind.name() + " \"" + type + "\"; known: " + known.keySet()
                    + DidYouMean.suffix(type, known.keySet()));
            return Optional.empty();
        }
        ComponentType<Object, ?> t = (ComponentType<Object, ?>) registered;
        Object settings = t.settings(node, this);
        node.finish();
        return Optional.of(new Spec<>(kind, node.path(), t, settings));
    }

    /** Parses the optional object {@code key} of {@code parent} as a component. */
    public <T> Optional<Spec<T>> parseChild(ConfigNode parent, String key, Kind<T> kind) {
        return parent.optObject(key).flatMap(n -> parse(n, kind));
    }

    /** Parses the required object {@code key} of {@code parent} as a component. */
    public <T> Optional<Spec<T>> parseRequired(ConfigNode parent, String key, Kind<T> kind) {
        return parse(parent.object(key), kind);
    }

    /** Parses a list of components (e.g. a pipeline); entries with problems are left out. */
    public <T> List<Spec<T>> parseList(ConfigNode parent, String key, Kind<T> kind) {
        List<Spec<T>> out = new ArrayList<>();
        for (ConfigNode n : parent.objects(key)) {
            parse(n, kind).ifPresent(out::add);
        }
        return out;
    }
}
