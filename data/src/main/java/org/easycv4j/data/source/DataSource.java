package org.easycv4j.data.source;

import java.util.List;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ImageBackend;

/** Where samples come from: an indexed collection of (image, label) entries. Thread-safe for reads. */
public interface DataSource {

    /** Number of entries (malformed list lines excluded). */
    int size();

    /** Reads and decodes entry {@code index}; a missing or undecodable file raises {@link BadSampleException}. */
    Sample load(int index, ImageBackend backend) throws BadSampleException;

    /**
     * Like {@link #load}, but a JPEG may come back still encoded ({@link org.easycv4j.data.image.EncodedImage},
     * its header checked) for a first transform that decodes it itself; errors only a decode finds come later.
     */
    default Sample loadEncoded(int index, ImageBackend backend) throws BadSampleException {
        return load(index, backend);
    }

    /**
     * Entry {@code index} as stored, still encoded, with the extension its bytes' format has
     * ({@link org.easycv4j.data.image.ImageFormats#extension}): what a converter copies without re-encoding. Empty
     * where the source holds pixels, not files (IDX, CIFAR): a converter encodes {@link #load}'s image then.
     */
    default java.util.Optional<Stored> stored(int index) throws BadSampleException {
        return java.util.Optional.empty();
    }

    /** An entry's encoded bytes and their format's extension ({@code jpg}, {@code png}, ...). */
    record Stored(byte[] data, String extension, int label, String origin) {}

    /** True when entries carry class labels. */
    boolean labelled();

    /** Number of classes (0 for unlabelled sources; the largest label + 1 when no names are known). */
    int numClasses();

    /**
     * The first entry whose label is {@code numClasses} or more, as {@code where: label L} ({@code where} the
     * list file and line it came from, or the entry), and how many there are; empty when all fit or the labels
     * are not known before reading. By default from {@link #numClasses()}, without the entry.
     */
    default java.util.Optional<String> labelBeyond(int numClasses) {
        if (!labelled() || numClasses() <= numClasses) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("its labels go up to " + (numClasses() - 1));
    }

    /** Class names in index order, empty when unknown. */
    List<String> classNames();

    /** Entries rejected while the lists were read (malformed lines), already left out of {@link #size()}. */
    List<BadSample> listProblems();
}
