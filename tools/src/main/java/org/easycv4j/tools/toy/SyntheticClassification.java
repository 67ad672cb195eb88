package org.easycv4j.tools.toy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.data.LoaderSettings;

/**
 * Generated images: each class has a fixed random pattern, each sample is its class's pattern plus Gaussian
 * noise. Fully determined by the seed, so it needs no file and runs anywhere.
 */
public final class SyntheticClassification implements Dataset {
    private final SyntheticSettings settings;
    private final float[][] images;
    private final long[] labels;

    public SyntheticClassification(SyntheticSettings settings) {
        this.settings = settings;
        int dim = settings.sampleSize();
        // Patterns come from pattern_seed and noise from seed, so a val split (another seed) shares the classes.
        Random patternRng = new Random(settings.patternSeed());
        Random rng = new Random(settings.seed());
        float[][] patterns = new float[settings.numClasses()][dim];
        for (float[] p : patterns) {
            for (int i = 0; i < dim; i++) {
                p[i] = (float) patternRng.nextGaussian();
            }
        }
        images = new float[settings.numSamples()][dim];
        labels = new long[settings.numSamples()];
        for (int s = 0; s < settings.numSamples(); s++) {
            int c = s % settings.numClasses();
            labels[s] = c;
            for (int i = 0; i < dim; i++) {
                images[s][i] = patterns[c][i] + (float) (settings.noise() * rng.nextGaussian());
            }
        }
    }

    @Override
    public int size() {
        return images.length;
    }

    @Override
    public DataLoader loader(LoaderSettings ls) {
        return new DataLoader() {
            private int[] shard(int epoch) {
                int[] order = new int[images.length];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                if (ls.shuffle()) {
                    Random r = new Random(ls.seed() * 1_000_003L + epoch);
                    for (int i = order.length - 1; i > 0; i--) {
                        int j = r.nextInt(i + 1);
                        int t = order[i];
                        order[i] = order[j];
                        order[j] = t;
                    }
                }
                return ls.shard(order);
            }

            @Override
            public int batchesPerEpoch() {
                int n = ls.shardSize(images.length);
                return ls.dropLast() ? n / ls.batchSize() : (n + ls.batchSize() - 1) / ls.batchSize();
            }

            @Override
            public Iterator<Batch> epoch(int epoch, NDManager manager) {
                return epoch(epoch, manager, 0);
            }

            @Override
            public Iterator<Batch> epoch(int epoch, NDManager manager, int first) {
                int[] order = shard(epoch);
                int batches = batchesPerEpoch();
                int dim = settings.sampleSize();
                return new Iterator<>() {
                    private int next = first;

                    @Override
                    public boolean hasNext() {
                        return next < batches;
                    }

                    @Override
                    public Batch next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        int from = next * ls.batchSize();
                        int n = Math.min(ls.batchSize(), order.length - from);
                        float[] x = new float[n * dim];
                        long[] y = new long[n];
                        for (int i = 0; i < n; i++) {
                            System.arraycopy(images[order[from + i]], 0, x, i * dim, dim);
                            y[i] = labels[order[from + i]];
                        }
                        next++;
                        Shape shape = new Shape(n, settings.shape().get(0), settings.shape().get(1),
                                settings.shape().get(2));
                        return new Batch(new NDList(manager.create(x, shape)), new NDList(manager.create(y)), n);
                    }
                };
            }
        };
    }
}
