package org.easycv4j.data.dataset;

import ai.djl.Device;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.sample.Seeds;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.FloatImage;
import org.easycv4j.data.image.ImageDecodeException;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.pipeline.Mixup;
import org.easycv4j.data.pipeline.Pipeline;
import org.easycv4j.data.source.BadSample;
import org.easycv4j.data.source.BadSampleException;
import org.easycv4j.data.source.BadSamples;
import org.easycv4j.data.source.DataSource;
import org.easycv4j.data.source.SampleAccess;
import org.easycv4j.data.source.TooManyBadSamplesException;

/**
 * A data source and a pipeline: EasyCV's RawDataset ({@code labelled = false}) and ClsDataset. Bad samples
 * are skipped (the next usable index takes their place, so batch shapes stay fixed) and counted against the
 * dataset's budget.
 */
public final class ImageDataset implements Dataset {
    private final String name;
    private final DataSource source;
    private final Pipeline pipeline;
    private final Optional<Mixup> mixup;
    private final ImageBackend backend;
    private final BadSamples badSamples;
    private final boolean labelled;
    private final boolean shareBatchMemory;
    private final EngineNormalize engineNormalize;
    /** The first transform decodes (a crop of) the file itself, possibly at reduced scale. */
    private final boolean encodedInput;

    /**
     * @param shareBatchMemory batch image arrays are views of the loader's buffers (no copy); see {@link ImageLoader}
     * @param engineNormalize let the engine run the pipeline's final ToTensor + Normalize on uint8 batches when the
     *     pipeline allows it (see {@link ImageLoader})
     */
    public ImageDataset(String name, DataSource source, Pipeline pipeline, Optional<Mixup> mixup, ImageBackend backend,
            BadSamples badSamples, boolean labelled, boolean shareBatchMemory, EngineNormalize engineNormalize) {
        if (labelled && !source.labelled()) {
            throw new IllegalArgumentException(name + ": a classification dataset needs a labelled data source");
        }
        this.name = name;
        this.source = source;
        this.pipeline = pipeline;
        this.mixup = mixup;
        this.backend = backend;
        this.badSamples = badSamples;
        this.labelled = labelled;
        this.shareBatchMemory = shareBatchMemory;
        this.engineNormalize = engineNormalize;
        this.encodedInput = !pipeline.transforms().isEmpty() && pipeline.transforms().get(0).acceptsEncoded();
    }

    /**
     * True when batches for {@code device} travel as uint8 and the engine does the final ToTensor + Normalize:
     * asked for ("auto" asks on GPUs), the pipeline ends with ToTensor (+ Normalize), and no Mixup needs float
     * images in the loader.
     */
    public boolean engineNormalizes(Device device) {
        return engineNormalize.wanted(device) && pipeline.endsWithToTensor() && mixup.isEmpty();
    }

    /** True when batch image arrays are views of the loader's reusable buffers. */
    public boolean shareBatchMemory() {
        return shareBatchMemory;
    }

    @Override
    public List<String> classNames() {
        return source.classNames();
    }

    @Override
    public Optional<String> labelBeyond(int numClasses) {
        return labelled ? source.labelBeyond(numClasses) : Optional.empty();
    }

    @Override
    public int size() {
        return source.size();
    }

    @Override
    public DataLoader loader(LoaderSettings settings) {
        return new ImageLoader(this, settings);
    }

    public String name() {
        return name;
    }

    public DataSource source() {
        return source;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public Optional<Mixup> mixup() {
        return mixup;
    }

    public ImageBackend backend() {
        return backend;
    }

    public BadSamples badSamples() {
        return badSamples;
    }

    /** True when batches carry labels (class indices, or soft targets with Mixup). */
    public boolean labelled() {
        return labelled;
    }

    /**
     * Loads and transforms the sample at {@code index}, or the next usable one when it is bad. The random
     * stream depends only on (seed, epoch, index of the sample actually used).
     */
    public Sample produce(long seed, int epoch, int index) {
        return produce(seed, epoch, index, false, SampleAccess.of(source));
    }

    /**
     * As {@link #produce(long, int, int)}; with {@code deferTensor} and a pipeline ending in ToTensor
     * (+ Normalize) the result is still 8-bit, for {@link Pipeline#writeTensor} to finish in the batch buffer.
     */
    Sample produce(long seed, int epoch, int index, boolean deferTensor, SampleAccess access) {
        try {
            return produceAny(seed, epoch, index, deferTensor, access);
        } finally {
            access.done(index);
        }
    }

    private Sample produceAny(long seed, int epoch, int index, boolean deferTensor, SampleAccess access) {
        boolean defer = deferTensor && pipeline.endsWithToTensor();
        int n = access.candidates(index);
        int i = index;
        for (int k = 0; k < n; k++, i = access.fallback(i)) {
            if (badSamples.isBadIndex(i)) {
                continue;
            }
            Sample raw;
            try {
                raw = access.load(i, backend, encodedInput);
            } catch (BadSampleException e) {
                badSamples.report(i, e.bad());
                continue;
            }
            SplittableRandom rng = Seeds.forSample(seed, epoch, i);
            Sample out;
            try {
                out = defer ? pipeline.applyHead(raw, rng, backend) : pipeline.apply(raw, rng, backend);
            } catch (UncheckedIOException e) {
                // a file that passed the source's checks but fails to decode in the first transform
                if (!(e.getCause() instanceof ImageDecodeException d)) {
                    throw e;
                }
                badSamples.report(i, new BadSample(raw.origin(), d.getMessage()));
                continue;
            }
            if (defer) {
                if (!(out.image() instanceof ByteImage)) {
                    throw new IllegalStateException(name + ": ToTensor got a tensor (ToTensor given twice?)");
                }
                return out;
            }
            if (!(out.image() instanceof FloatImage)) {
                throw new IllegalStateException(name + ": the pipeline must produce a tensor; add ToTensor (and Normalize)");
            }
            return out;
        }
        throw new TooManyBadSamplesException(name + ": no usable sample left (" + badSamples.count() + " bad)");
    }
}
