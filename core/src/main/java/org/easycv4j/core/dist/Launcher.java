package org.easycv4j.core.dist;

import java.util.Locale;

/** How the processes of a run were started ({@code --launcher}, EasyCV's name). */
public enum Launcher {
    /** One process. */
    NONE,
    /** One process per device, started by {@code mpirun}, {@code srun --mpi=pmix} or an MPIJob. */
    MPI;

    /** Parses {@code none} or {@code mpi}; anything else fails with the known names. */
    public static Launcher parse(String name) {
        for (Launcher l : values()) {
            if (l.name().equalsIgnoreCase(name.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("--launcher: expected none or mpi, got \"" + name + "\"");
    }

    /** Joins the job this process belongs to. */
    public Collective connect() {
        return this == NONE ? Collective.single() : OpenMpi.init();
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
