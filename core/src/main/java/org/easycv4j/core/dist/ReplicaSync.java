package org.easycv4j.core.dist;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.easycv4j.core.optim.GradientOps;
import org.easycv4j.core.optim.Gradients;
import org.easycv4j.core.model.NamedParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the model replicas of a data-parallel job identical: broadcasts rank 0's weights at the start and
 * averages the gradients before every optimizer step. Parameters are fused into buckets of at most
 * {@link #BUCKET_BYTES} (as DDP and Horovod fuse tensors): one flatten, one collective and one copy back per
 * bucket, never one collective per parameter. On a CPU the collectives work on the flattened bucket's own
 * memory; on a GPU NCCL works on the bucket's device memory when it loads ({@link Nccl}, {@link Nccl#MODE_ENV}),
 * otherwise MPI works on a copy in one direct host staging buffer. Float32 parameters only.
 */
public final class ReplicaSync {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSync.class);
    /** Bucket size: large enough to amortise a collective's latency, small enough to bound the staging memory. */
    public static final long BUCKET_BYTES = 32L << 20;

    private final Collective collective;
    private final GradientOps ops;
    private final List<List<NamedParameter>> all;
    private final List<List<NamedParameter>> trainable;
    private final ByteBuffer staging;
    private final boolean inPlace;
    private final Optional<Nccl.Communicator> nccl;

    /**
     * @param params every parameter of the model, in the same order on every rank
     * @param ops the engine's flatten / copy-back kernels
     */
    public ReplicaSync(Collective collective, List<NamedParameter> params, GradientOps ops) {
        this(collective, params, ops, DeviceCollective.AUTO);
    }

    /** @param backend how GPU tensors are averaged ({@code dist_params.backend}) */
    public ReplicaSync(Collective collective, List<NamedParameter> params, GradientOps ops, DeviceCollective backend) {
        this(collective, params, ops, true, backend.ncclMode(), Nccl::load);
    }

    /** @param allowInPlace false: always stage through host memory, as on a GPU without NCCL (tests) */
    ReplicaSync(Collective collective, List<NamedParameter> params, GradientOps ops, boolean allowInPlace) {
        this(collective, params, ops, allowInPlace, Nccl.Mode.OFF, Nccl::load);
    }

    private ReplicaSync(Collective collective, List<NamedParameter> params, GradientOps ops, boolean allowInPlace,
            Nccl.Mode ncclMode, Supplier<Nccl> ncclLoader) {
        this.collective = collective;
        this.ops = ops;
        for (NamedParameter p : params) {
            DataType t = p.parameter().getArray().getDataType();
            if (t != DataType.FLOAT32) {
                throw new IllegalArgumentException("data parallel training needs float32 parameters; "
                        + p.name() + " is " + t);
            }
        }
        this.all = buckets(params);
        this.trainable = buckets(params.stream().filter(p -> p.parameter().requiresGradient()).toList());
        long largest = 0;
        for (List<NamedParameter> b : all) {
            largest = Math.max(largest, bytes(b));
        }
        NDManager manager = params.isEmpty() ? null : params.get(0).parameter().getArray().getManager();
        Optional<Integer> gpu = manager != null && manager.getDevice().isGpu()
                ? Optional.of(manager.getDevice().getDeviceId()) : Optional.empty();
        String[] why = new String[1];
        this.nccl = Nccl.select(collective, gpu, ncclMode, ncclLoader, why);
        // In place when the tensor's own memory is host memory: then the collectives work on the flattened
        // bucket itself and two copies per bucket are saved. A CUDA tensor's address is a device pointer.
        this.inPlace = nccl.isEmpty() && allowInPlace && collective.size() > 1 && manager != null
                && TensorMemory.isHost(params.get(0).parameter().getArray());
        this.staging = collective.size() > 1 && !inPlace && nccl.isEmpty() ? Collective.allocate((int) largest) : null;
        if (collective.size() > 1) {
            LOG.info("rank {}: gradients all-reduced {}", collective.rank(), nccl.isPresent()
                    ? "by NCCL in device memory (" + why[0] + ")"
                    : inPlace ? "by MPI in place in host memory"
                    : "by MPI through a host staging buffer (" + why[0] + ")");
        }
    }

    /** True when NCCL reduces the buckets in device memory. */
    boolean usesNccl() {
        return nccl.isPresent();
    }

    /** This process's rank. */
    public int rank() {
        return collective.rank();
    }

    /** True when the collectives work on the flattened arrays' own memory (CPU), false when staged. */
    boolean inPlace() {
        return inPlace;
    }

    /** The number of gradient buckets (collectives per optimizer step). */
    public int gradientBuckets() {
        return trainable.size();
    }

    /** Overwrites every rank's parameters with rank 0's. */
    public void broadcastWeights(NDManager scope) {
        if (collective.size() == 1) {
            return;
        }
        for (List<NamedParameter> bucket : all) {
            List<NDArray> arrays = bucket.stream().map(p -> p.parameter().getArray()).toList();
            transfer(arrays, scope, 1.0, true);
        }
    }

    /**
     * Replaces every trainable parameter's gradient by its mean over the ranks (a sum, then a division: not
     * every MPI or NCCL operation averages).
     */
    public void averageGradients(NDManager scope) {
        if (collective.size() == 1) {
            return;
        }
        double scale = 1.0 / collective.size();
        for (List<NamedParameter> bucket : trainable) {
            try (NDManager s = scope.newSubManager()) {
                transfer(Gradients.of(bucket, s), s, scale, false);
            }
        }
    }

    private void transfer(List<NDArray> arrays, NDManager scope, double scale, boolean broadcast) {
        try (NDManager s = scope.newSubManager()) {
            NDArray flat = ops.flatten(arrays, s);
            if (nccl.isPresent()) {
                // In place on the device, on the stream the flatten and the copy back run on (see Nccl).
                var data = TensorMemory.address(flat);
                if (broadcast) {
                    nccl.get().broadcast(data, flat.size(), 0);
                } else {
                    nccl.get().allReduceSum(data, flat.size());
                }
                ops.unflattenInto(flat, arrays, scale);
                return;
            }
            ByteBuffer host = inPlace ? TensorMemory.hostBuffer(flat) : stage(flat);
            if (broadcast) {
                collective.broadcast(host, 0);
            } else {
                collective.allReduceSumFloats(host);
            }
            // In place, the flat array already holds the result; otherwise it comes back from the host buffer.
            NDArray reduced = inPlace ? flat : s.create(host, new Shape(flat.size()), DataType.FLOAT32);
            ops.unflattenInto(reduced, arrays, scale);
        }
    }

    /** Copies {@code flat} into the staging buffer (the device-to-host copy on a GPU). */
    private ByteBuffer stage(NDArray flat) {
        staging.clear();
        staging.put(flat.toByteBuffer());
        staging.flip();
        return staging.slice().order(ByteOrder.nativeOrder());
    }

    private static List<List<NamedParameter>> buckets(List<NamedParameter> params) {
        List<List<NamedParameter>> out = new ArrayList<>();
        List<NamedParameter> current = new ArrayList<>();
        long bytes = 0;
        for (NamedParameter p : params) {
            long b = p.parameter().getArray().size() * Float.BYTES;
            if (!current.isEmpty() && bytes + b > BUCKET_BYTES) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(p);
            bytes += b;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    private static long bytes(List<NamedParameter> bucket) {
        return bucket.stream().mapToLong(p -> p.parameter().getArray().size() * Float.BYTES).sum();
    }
}
