package org.easycv4j.core.runner;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.optim.GradientOps;

/**
 * In-process data parallelism over several devices, as DJL's trainer does it: the model's parameters live on
 * the first device; every other device holds a replica (a copy of each parameter with its own gradient). A
 * batch is split along its first dimension, each part runs forward and backward on its device, the replicas'
 * gradients are summed into the first device's, the optimizer steps there, and the new weights are copied back
 * to the replicas. Each part's loss is weighted by its share of the batch, so the summed gradient is the
 * gradient of the whole batch's mean loss, as with one device.
 *
 * <p>Replicas are copies even when two entries name the same device, so the path can be exercised (and tested)
 * on a CPU-only machine.
 */
public final class DataParallel implements AutoCloseable {
    private final List<Device> devices;
    private final List<NamedParameter> trainable;
    private final List<NDManager> replicaManagers = new ArrayList<>();
    private final List<ReplicaStore> stores = new ArrayList<>();
    private final List<GradientOps> replicaGradients = new ArrayList<>();

    /**
     * @param devices the first is the model's device; at least two
     * @param params every parameter of the model (fixed ones are replicated without gradient)
     * @param master the manager of the model's parameters (on {@code devices.get(0)})
     */
    public DataParallel(List<Device> devices, List<NamedParameter> params, NDManager master) {
        if (devices.size() < 2) {
            throw new IllegalArgumentException("data parallelism needs at least two devices, got " + devices);
        }
        this.devices = List.copyOf(devices);
        this.trainable = params.stream().filter(p -> p.parameter().requiresGradient()).toList();
        for (int r = 1; r < devices.size(); r++) {
            NDManager m = master.newSubManager(devices.get(r));
            replicaManagers.add(m);
            ReplicaStore store = new ReplicaStore(m, devices.get(r));
            for (NamedParameter p : params) {
                store.replicate(p.parameter());
            }
            store.standIns = store.replicas(trainable);
            stores.add(store);
            replicaGradients.add(GradientOps.forEngine(m));
        }
    }

    public List<Device> devices() {
        return devices;
    }

    /** The number of replicas (devices). */
    public int size() {
        return devices.size();
    }

    /**
     * Runs forward and backward of every part of {@code batch}; returns the whole batch's mean loss (a 0-d
     * array on the first device, in {@code step}). {@code forwardBackward} runs one part: given the part (on
     * its device), the parameter store to read weights from and the loss weight, it returns the part's
     * unweighted loss after backward.
     */
    public NDArray run(Batch batch, NDManager step, ParameterStore masterStore, PartRunner forwardBackward) {
        int n = batch.size();
        int parts = Math.min(devices.size(), n);
        NDArray total = null;
        int start = 0;
        for (int r = 0; r < parts; r++) {
            int size = n / parts + (r < n % parts ? 1 : 0);
            Batch part = slice(batch, start, start + size, devices.get(r), step);
            start += size;
            ParameterStore store = r == 0 ? masterStore : stores.get(r - 1);
            double weight = (double) size / n;
            NDArray loss = forwardBackward.run(part, store, weight);
            NDArray weighted = loss.toDevice(devices.get(0), false).mul(
                    step.create((float) weight).toDevice(devices.get(0), false));
            weighted.attach(step);
            total = total == null ? weighted : total.add(weighted);
            total.attach(step);
        }
        reduceGradients(step);
        return total;
    }

    /** Adds every replica's gradients into the first device's and zeroes the replicas'. */
    private void reduceGradients(NDManager step) {
        try (NDManager scope = step.newSubManager()) {
            for (int r = 0; r < stores.size(); r++) {
                ReplicaStore store = stores.get(r);
                for (NamedParameter p : trainable) {
                    NDArray master = p.parameter().getArray();
                    NDArray g = master.getGradient();
                    g.attach(scope);
                    NDArray rg = store.replica(p.parameter()).getGradient();
                    rg.attach(scope);
                    NDArray moved = rg.toDevice(master.getDevice(), false);
                    moved.attach(scope);
                    g.addi(moved);
                }
                replicaGradients.get(r).zero(store.standIns);
            }
        }
    }

    /** Copies the first device's weights to every replica (after each optimizer step). */
    public void broadcast() {
        NDIndex all = new NDIndex("...");
        for (ReplicaStore store : stores) {
            for (Map.Entry<Parameter, NDArray> e : store.copies.entrySet()) {
                NDArray src = e.getKey().getArray();
                try (NDArray moved = src.toDevice(e.getValue().getDevice(), true)) {
                    e.getValue().set(all, moved);
                }
            }
        }
    }

    private static Batch slice(Batch batch, int from, int to, Device device, NDManager step) {
        String index = from + ":" + to;
        NDList inputs = new NDList();
        for (NDArray a : batch.inputs()) {
            NDArray part = a.get(index).toDevice(device, false);
            part.attach(step);
            inputs.add(part);
        }
        NDList labels = new NDList();
        for (NDArray a : batch.labels()) {
            NDArray part = a.get(index).toDevice(device, false);
            part.attach(step);
            labels.add(part);
        }
        return new Batch(inputs, labels, to - from);
    }

    @Override
    public void close() {
        replicaGradients.forEach(GradientOps::close);
        replicaManagers.forEach(NDManager::close);
    }

    /** One part's forward and backward. */
    @FunctionalInterface
    public interface PartRunner {
        NDArray run(Batch part, ParameterStore store, double lossWeight);
    }

    /** Hands out the replica's copy of each parameter, whatever device the caller asks for. */
    static final class ReplicaStore extends ParameterStore {
        private final Map<Parameter, NDArray> copies = new HashMap<>();
        private List<NamedParameter> standIns = List.of();
        private final NDManager manager;
        private final Device device;

        ReplicaStore(NDManager manager, Device device) {
            super(manager, false);
            this.manager = manager;
            this.device = device;
        }

        void replicate(Parameter p) {
            // toDevice to the same device returns the same tensor under a new handle: duplicate instead.
            NDArray copy = p.getArray().getDevice().equals(device) ? p.getArray().duplicate()
                    : p.getArray().toDevice(device, true);
            copy.attach(manager);
            if (p.requiresGradient()) {
                copy.setRequiresGradient(true);
            }
            copies.put(p, copy);
        }

        NDArray replica(Parameter p) {
            return copies.get(p);
        }

        List<NamedParameter> replicas(List<NamedParameter> params) {
            List<NamedParameter> out = new ArrayList<>(params.size());
            for (NamedParameter p : params) {
                // A stand-in parameter whose array is the replica, for the gradient utilities.
                Parameter stand = Parameter.builder().setName(p.name()).setType(Parameter.Type.WEIGHT)
                        .optRequiresGrad(true).build();
                stand.setArray(copies.get(p.parameter()));
                out.add(new NamedParameter(p.name(), stand));
            }
            return out;
        }

        @Override
        public NDArray getValue(Parameter parameter, Device ignored, boolean training) {
            NDArray copy = copies.get(parameter);
            if (copy == null) {
                throw new IllegalStateException("parameter " + parameter.getName() + " has no replica on " + device);
            }
            return copy;
        }
    }
}
