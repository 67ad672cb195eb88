package org.easycv4j.core.dist;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.config.ComponentBuildException;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Spec;

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
     * IllegalArgumentException listing the known ones (the registry's own message). A backend's own failure (no
     * MPI library) is rethrown as it is.
     */
    public static Collective connect(Components components, String name) {
        ConfigNode node = ConfigNode.root(ConfigFactory.parseMap(Map.of("type", name.trim())));
        Optional<Spec<Collective>> spec = components.parse(node, Collective.KIND);
        if (spec.isEmpty() || !node.problems().isEmpty()) {
            throw new IllegalArgumentException("--launcher: " + node.problems().list().get(0).message());
        }
        try {
            return spec.get().create(new BuildContext(Path.of(""), 0, 1, false));
        } catch (ComponentBuildException e) {
            // the backend's own words (MpiUnavailableException names the packages), not the config path's
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}
