package org.easycv4j.data.shards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.image.ImageDecodeException;
import org.easycv4j.data.image.ImageFormats;
import org.easycv4j.data.source.BadSample;
import org.easycv4j.data.source.BadSampleException;
import org.easycv4j.data.source.FileListSource;
import org.easycv4j.data.source.SampleAccess;
import org.easycv4j.data.source.StreamedSource;

/**
 * Samples in WebDataset tar shards ({@link WebDatasetSource}): read by epoch through {@link EpochReader}, one
 * reader per stream of {@link ShardPlan}; {@link #load} reaches a single sample by reading its shard up to it.
 */
final class ShardSource implements StreamedSource {
    private final List<ShardUrls.Location> shards;
    private final ShardStore store;
    private final ShardPlan plan;
    private final WebDatasetSource.Settings settings;
    private final List<String> classNames;
    private final int numClasses;

    ShardSource(List<ShardUrls.Location> shards, ShardStore store, ShardPlan plan, WebDatasetSource.Settings settings,
            List<String> classNames, int numClasses) {
        this.shards = List.copyOf(shards);
        this.store = store;
        this.plan = plan;
        this.settings = settings;
        this.classNames = List.copyOf(classNames);
        this.numClasses = numClasses;
    }

    ShardPlan plan() {
        return plan;
    }

    ShardUrls.Location shard(int i) {
        return shards.get(i);
    }

    WebDatasetSource.Settings settings() {
        return settings;
    }

    /** The shard's bytes from its start, reopened where they stopped on transient faults. */
    ResumingInputStream openShard(int shard) {
        return new ResumingInputStream(store, shards.get(shard), 0, settings.retries(), settings.backoffMillis(),
                WebDatasetSource.LOG::warn);
    }

    @Override
    public int size() {
        return plan.total();
    }

    @Override
    public int samplesPerRank(LoaderSettings s) {
        return plan.samplesPerRank(s);
    }

    @Override
    public int[] indices(int epoch, LoaderSettings s) {
        return plan.epoch(epoch, s).indices();
    }

    @Override
    public SampleAccess open(int epoch, LoaderSettings s, int[] indices, int from, int to, int inFlight) {
        return new EpochReader(this, plan.epoch(epoch, s), indices, from, to, inFlight);
    }

    @Override
    public Sample load(int index, ImageBackend backend) throws BadSampleException {
        return decode(index, read(index), backend, false);
    }

    @Override
    public Sample loadEncoded(int index, ImageBackend backend) throws BadSampleException {
        return decode(index, read(index), backend, true);
    }

    @Override
    public Optional<Stored> stored(int index) throws BadSampleException {
        Slot s = read(index);
        if (s.bad() != null) {
            throw new BadSampleException(s.origin(), s.bad());
        }
        try {
            ImageFormats.checkComplete(s.image());
        } catch (ImageDecodeException e) {
            throw new BadSampleException(s.origin(), e.getMessage(), e);
        }
        return Optional.of(new Stored(s.image(), s.extension(), s.label(), s.origin()));
    }

    /** One sample by reading its shard up to it: for tools that want a few samples, not for training. */
    private Slot read(int index) {
        int shard = plan.shardOf(index);
        int member = index - plan.first(shard);
        try (TarSamples tar = new TarSamples(openShard(shard), shards.get(shard).url())) {
            for (int m = 0; m < member; m++) {
                if (tar.next(false) == null) {
                    return truncated(shard, member, m, null);
                }
            }
            TarSamples.Raw raw = tar.next(true);
            return raw == null ? truncated(shard, member, member, null) : slot(shard, raw);
        } catch (ShardException e) {
            if (e.fault() == ShardException.Fault.DAMAGED) {
                return truncated(shard, member, member, e);
            }
            throw new UncheckedIOException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sample {@code member} of a damaged or short shard, of which the first {@code readable} could be read. */
    Slot truncated(int shard, int member, int readable, ShardException cause) {
        String where = shards.get(shard).url() + " (sample " + (member + 1) + " of " + plan.count(shard) + ")";
        return Slot.bad(where, cause != null ? cause.getMessage() + " (" + readable + " of " + plan.count(shard)
                + " samples readable)" : "shard ends after " + readable + " of the " + plan.count(shard)
                + " samples its index lists (truncated?)");
    }

    /** A sample's image member and label, or why it has none. */
    Slot slot(int shard, TarSamples.Raw raw) {
        String origin = shards.get(shard).url() + "#" + raw.key();
        Map<String, byte[]> m = raw.members();
        String ext = null;
        for (String k : settings.imageKeys()) {
            if (m.containsKey(k)) {
                ext = k;
                break;
            }
        }
        if (ext == null) {
            return Slot.bad(origin, "no image member (expected one of ." + String.join(", .", settings.imageKeys())
                    + "; the sample has " + (m.isEmpty() ? "none" : "." + String.join(", .", m.keySet())) + ")");
        }
        int label = Sample.NO_LABEL;
        if (labelled()) {
            byte[] cls = m.get(settings.labelKey());
            if (cls == null) {
                return Slot.bad(origin, "no ." + settings.labelKey() + " member (the label)");
            }
            String text = new String(cls, StandardCharsets.UTF_8).strip();
            try {
                label = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                return Slot.bad(origin, "." + settings.labelKey() + ": expected an integer label, got \""
                        + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\"");
            }
            if (label < 0 || (numClasses > 0 && label >= numClasses)) {
                return Slot.bad(origin, "label " + label + " is not in [0, " + numClasses + ")");
            }
        }
        return new Slot(m.get(ext), ImageFormats.extension(m.get(ext)).orElse(ext), label, origin, null);
    }

    Sample decode(int index, Slot s, ImageBackend backend, boolean encoded) throws BadSampleException {
        if (s.bad() != null) {
            throw new BadSampleException(s.origin(), s.bad());
        }
        return FileListSource.decode(index, s.image(), s.label(), s.origin(), settings.toRgb(), backend, encoded);
    }

    @Override
    public boolean labelled() {
        return numClasses > 0;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public List<BadSample> listProblems() {
        return List.of();
    }

    /** A buffered sample: its image bytes and label, or (with {@code bad}) why it cannot be used. */
    record Slot(byte[] image, String extension, int label, String origin, String bad) {
        static Slot bad(String origin, String why) {
            return new Slot(null, null, Sample.NO_LABEL, origin, why);
        }
    }
}
