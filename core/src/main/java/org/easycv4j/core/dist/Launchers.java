package org.easycv4j.core.dist;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.util.DidYouMean;

/**
 * The launchers {@code --launcher NAME} picks from (kind {@code launcher}): how the processes of a job were
 * started, and so how this one joins the others. Core registers {@code none} and {@code mpi}; a plugin adds
 * another backend (Gloo, UCC, another MPI) with one registration of the same shape, without editing core:
 * {@code Registrations.of(binder(), Collective.KIND).add(ComponentType.of("ucc", "...",
 * Launchers.Settings::fromConfig, (s, ctx) -> MyUcc.join()))}.
 */
public final class Launchers {
    private Launchers() {}

    /** A launcher has no settings of its own: it joins the job its process was started into. */
    public record Settings() {
        public static Settings fromConfig(ConfigNode node) {
            return new Settings();
        }
    }

    public static final ComponentType<Settings, Collective> NONE = ComponentType.of("none", "one process",
            Settings::fromConfig, (s, ctx) -> Collective.single());

    public static final ComponentType<Settings, Collective> MPI = ComponentType.of("mpi",
            "one process per device, started by mpirun, srun --mpi=pmix or an MPIJob (Open MPI, loaded at run time)",
            Settings::fromConfig, (s, ctx) -> OpenMpi.init());

    /**
     * Joins the job through the launcher registered as {@code name}; an unknown name is an
     * IllegalArgumentException listing the known ones. A backend's own failure (no MPI library) is rethrown as it
     * is.
     */
    public static Collective connect(Components components, String name) throws Exception {
        Map<String, ComponentType<?, ?>> known = components.types(Collective.KIND);
        ComponentType<?, ?> type = known.get(name.trim());
        if (type == null) {
            throw new IllegalArgumentException("--launcher: unknown launcher \"" + name + "\"; known: "
                    + known.keySet() + DidYouMean.suffix(name, known.keySet()));
        }
        return create(type, components);
    }

    private static <S> Collective create(ComponentType<S, ?> type, Components components) throws Exception {
        ConfigNode node = ConfigNode.root(ConfigFactory.parseMap(Map.of("type", type.name())));
        node.accept("type");
        S settings = type.settings(node, components);
        node.finish();
        node.problems().throwIfAny();
        Object built = type.create(settings, new BuildContext(Path.of(""), 0, 1, false));
        if (!(built instanceof Collective c)) {
            throw new IllegalStateException("launcher " + type.name() + " built a " + built.getClass().getName()
                    + ", not a Collective");
        }
        return c;
    }
}
