package org.easycv4j.core.registry;

import com.google.inject.Binder;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import org.easycv4j.core.model.TaskModel;

/**
 * One-line registration helpers for Guice modules:
 * {@code Registrations.of(binder(), TaskModel.KIND).add(ComponentType.of("MAE", "...", MaeSettings::fromConfig,
 * (s, ctx) -> new MaeModel(s)));}
 *
 * @param <T> the kind's component type
 */
public final class Registrations<T> {
    static final TypeLiteral<ComponentType<?, ?>> TYPE = new TypeLiteral<>() {};
    static final TypeLiteral<Kind<?>> KIND = new TypeLiteral<>() {};

    private final MapBinder<String, ComponentType<?, ?>> map;

    private Registrations(Binder binder, Kind<T> kind) {
        this.map = MapBinder.newMapBinder(binder, TypeLiteral.get(String.class), TYPE, kind.annotation());
    }

    /** The registrations of one kind, to which this module adds entries. */
    public static <T> Registrations<T> of(Binder binder, Kind<T> kind) {
        return new Registrations<>(binder.skipSources(Registrations.class), kind);
    }

    /** Declares a kind: it is listed by {@code tools/list} and may be used even with no entry. Once per kind. */
    public static <T> Registrations<T> declare(Binder binder, Kind<T> kind) {
        Multibinder.newSetBinder(binder.skipSources(Registrations.class), KIND).addBinding().toInstance(kind);
        return of(binder, kind);
    }

    /** Registers {@code type} under its config {@code type} name. A name registered twice fails at start-up. */
    public Registrations<T> add(ComponentType<?, ? extends T> type) {
        map.addBinding(type.name()).toInstance(type);
        return this;
    }
}
