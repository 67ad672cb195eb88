package org.easycv4j.core.runner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.model.FeaturePooling;
import org.easycv4j.core.model.TaskModel;

/**
 * The frozen features and labels of a whole labelled set (a kNN bank) on every rank of a job: each rank extracts
 * its share (rank r: samples r, r + world size, ...), then the shares are gathered over the ranks (all-reduce sums
 * of zero-filled row blocks, each rank filling its own rows), so every rank holds the same bank. One process
 * keeps everything on the device.
 */
public final class FeatureBank {
    /** Floats per gathered block (16 MB). */
    private static final int BLOCK_FLOATS = 4 << 20;

    private FeatureBank() {}

    /** Features (N, D) float32 and int64 labels (N), in {@code into}. */
    public record Extracted(NDArray features, NDArray labels) {}

    /**
     * Extracts {@code set}'s features with {@code model} in evaluation mode, batched as {@code loading} says (its
     * rank and world size are replaced by the collective's, shuffling off, every sample once).
     */
    public static Extracted extract(TaskModel model, Dataset set, LoaderSettings loading, FeaturePooling pooling,
            NDManager into, Collective collective) {
        LoaderSettings s = new LoaderSettings(loading.batchSize(), loading.numWorkers(), false, false, loading.seed(),
                collective.rank(), collective.size(), false);
        NDList features = new NDList();
        NDList labels = new NDList();
        try (DataLoader loader = set.loader(s)) {
            Iterator<Batch> batches = loader.epoch(0, into);
            while (batches.hasNext()) {
                try (NDManager step = into.newSubManager(); Batch batch = batches.next()) {
                    batch.inputs().attach(step);
                    batch.labels().attach(step);
                    if (batch.labels().isEmpty()) {
                        throw new IllegalArgumentException("the kNN bank needs labels: give it a labelled dataset "
                                + "(type = ClsDataset)");
                    }
                    NDArray f = model.features(new ParameterStore(step, false), batch.inputs().get(0), pooling);
                    NDArray l = batch.labels().get(0);
                    l = (l.getShape().dimension() == 2 ? l.argMax(1) : l).toType(DataType.INT64, true);
                    f = f.toType(DataType.FLOAT32, true);
                    f.attach(into);
                    l.attach(into);
                    features.add(f);
                    labels.add(l);
                }
            }
        }
        NDArray f = features.isEmpty() ? null : features.size() == 1 ? features.get(0) : NDArrays.concat(features);
        NDArray l = labels.isEmpty() ? null : labels.size() == 1 ? labels.get(0) : NDArrays.concat(labels);
        if (collective.size() == 1) {
            if (f == null) {
                throw new IllegalArgumentException("the kNN bank is empty");
            }
            return new Extracted(f, l);
        }
        return gather(f, l, set.size(), s, into, collective);
    }

    /** Every rank's rows, in rank order, on every rank; each rank calls it with its own share. */
    static Extracted gather(NDArray features, NDArray labels, int n, LoaderSettings shard, NDManager into,
            Collective collective) {
        int world = collective.size();
        // The width, from the ranks that have rows (a rank may have none when the set is smaller than the job).
        double[] width = {features == null ? 0 : features.getShape().get(1), features == null ? 0 : 1};
        collective.allReduceSumDoubles(width);
        if (width[1] == 0) {
            throw new IllegalArgumentException("the kNN bank is empty");
        }
        int d = (int) Math.round(width[0] / width[1]);
        int cols = d + 1; // the label travels as one more float (exact below 2^24)
        long[] offset = new long[world + 1];
        for (int r = 0; r < world; r++) {
            offset[r + 1] = offset[r] + new LoaderSettings(1, 0, false, false, 0, r, world, false).shardSize(n);
        }
        int rank = collective.rank();
        float[] mine = new float[0];
        if (features != null) {
            NDArray rows = NDArrays.concat(new NDList(features, labels.toType(DataType.FLOAT32, false).expandDims(1)),
                    1);
            mine = rows.toFloatArray(); // one host read per rank
            rows.close();
        }
        long myStart = offset[rank] * cols;
        long all = (long) n * cols;
        int rowsPerBlock = Math.max(1, BLOCK_FLOATS / cols);
        List<NDArray> blocks = new ArrayList<>();
        for (long row = 0; row < n; row += rowsPerBlock) {
            int rowsHere = (int) Math.min(rowsPerBlock, n - row);
            long start = row * cols;
            int len = rowsHere * cols;
            ByteBuffer buf = Collective.allocate(len * Float.BYTES);
            FloatBuffer fb = buf.asFloatBuffer();
            long from = Math.max(start, myStart);
            long to = Math.min(start + len, myStart + mine.length);
            if (from < to) {
                fb.position((int) (from - start));
                fb.put(mine, (int) (from - myStart), (int) (to - from));
            }
            collective.allReduceSumFloats(buf);
            buf.rewind();
            NDArray view = into.create(buf.asFloatBuffer(), new Shape(rowsHere, cols));
            blocks.add(view.duplicate()); // a copy: the array may alias the direct buffer
            view.close();
        }
        NDArray table = blocks.size() == 1 ? blocks.get(0) : NDArrays.concat(new NDList(blocks));
        assert table.getShape().size() == all;
        return new Extracted(table.get(":, :" + d), table.get(":, " + d).toType(DataType.INT64, false));
    }
}
