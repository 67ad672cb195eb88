package org.easycv4j.core.dist;

import java.util.Locale;

/**
 * How the gradients of GPU tensors are averaged across ranks ({@code dist_params.backend}, EasyCV's key): NCCL on
 * the device memory, or the launcher's collective (MPI) through host memory. CPU tensors always take the host
 * path.
 */
public enum DeviceCollective {
    /** NCCL when the library loads, else host memory. */
    AUTO(Nccl.Mode.AUTO),
    /** NCCL, and a clear error when it does not load (EasyCV's {@code backend='nccl'}). */
    NCCL(Nccl.Mode.ON),
    /** Always the launcher's collective through host memory (debugging, or a GPU without NCCL). */
    HOST(Nccl.Mode.OFF);

    private final Nccl.Mode ncclMode;

    DeviceCollective(Nccl.Mode ncclMode) {
        this.ncclMode = ncclMode;
    }

    Nccl.Mode ncclMode() {
        return ncclMode;
    }

    /** The config's spelling ({@code auto}, {@code nccl}, {@code host}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The backend {@link Nccl#MODE_ENV}'s value asks for ({@code auto}, {@code 1} / {@code on}: NCCL, {@code 0} /
     * {@code off}: host memory): what the launch edge turns into {@code dist_params.backend}.
     */
    public static DeviceCollective fromEnvironment(String value) {
        return switch (Nccl.Mode.parse(value)) {
            case AUTO -> AUTO;
            case ON -> NCCL;
            case OFF -> HOST;
        };
    }
}
