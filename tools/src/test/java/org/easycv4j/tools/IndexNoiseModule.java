package org.easycv4j.tools;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.inject.AbstractModule;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;
import org.easycv4j.data.dataset.DatasetBuilder;
import org.easycv4j.data.dataset.DatasetSettings;
import org.easycv4j.data.dataset.ImageLoader;

/**
 * Tests only: {@code type = IndexNoise}, a RawDataset whose batches also carry MAE's masking noise (N, L), drawn
 * from each sample's dataset index. The masks then follow the samples, not the process that draws them, so a
 * 2-rank MAE run can be compared with a 1-process run step by step.
 */
public final class IndexNoiseModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.of(binder(), Dataset.KIND)
                .add(ComponentType.of("IndexNoise", "RawDataset + masking noise from the sample index (tests)",
                        Settings::fromConfig, IndexNoiseModule::indexNoise));
    }

    record Settings(int patches, DatasetSettings raw) {
        static Settings fromConfig(ConfigNode node, Components components) {
            int patches = node.integerAtLeast("patches", 1, 1);
            return new Settings(patches, DatasetSettings.fromConfig(node, components, false));
        }
    }

    static Dataset indexNoise(Settings s, BuildContext context) {
        Dataset inner = DatasetBuilder.build(s.raw(), context, false);
        return new Dataset() {
            @Override
            public int size() {
                return inner.size();
            }

            @Override
            public DataLoader loader(LoaderSettings ls) {
                return new NoiseLoader((ImageLoader) inner.loader(ls), ls.batchSize(), s.patches());
            }
        };
    }

    private record NoiseLoader(ImageLoader inner, int batchSize, int patches) implements DataLoader {
        @Override
        public int batchesPerEpoch() {
            return inner.batchesPerEpoch();
        }

        @Override
        public Iterator<Batch> epoch(int epoch, NDManager manager) {
            return epoch(epoch, manager, 0);
        }

        @Override
        public Iterator<Batch> epoch(int epoch, NDManager manager, int first) {
            int[] order = inner.order(epoch);
            Iterator<Batch> batches = inner.epoch(epoch, manager, first);
            return new Iterator<>() {
                private int next = first;

                @Override
                public boolean hasNext() {
                    return batches.hasNext();
                }

                @Override
                public Batch next() {
                    Batch b = batches.next();
                    float[] noise = new float[b.size() * patches];
                    for (int i = 0; i < b.size(); i++) {
                        SplittableRandom r = new SplittableRandom(order[next * batchSize + i] * 1_000_003L + epoch);
                        for (int j = 0; j < patches; j++) {
                            noise[i * patches + j] = (float) r.nextDouble();
                        }
                    }
                    next++;
                    NDList inputs = new NDList(b.inputs());
                    inputs.add(manager.create(noise, new Shape(b.size(), patches)));
                    return new Batch(inputs, b.labels(), b.size());
                }
            };
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
