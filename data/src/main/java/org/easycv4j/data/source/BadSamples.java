package org.easycv4j.data.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts bad samples of one dataset over the whole run. Each distinct bad sample is logged once (with its
 * path or file:line and the reason); once more than {@code budget} distinct samples were bad the run fails
 * with a summary. Thread-safe.
 */
public final class BadSamples {
    private static final Logger LOG = LoggerFactory.getLogger(BadSamples.class);
    private static final int SUMMARY_LINES = 20;

    private final String dataset;
    private final int budget;
    private final Map<String, BadSample> seen = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<BadSample> order = new ConcurrentLinkedQueue<>();
    private final Set<Integer> badIndices = ConcurrentHashMap.newKeySet();

    /**
     * @param dataset the dataset's config path, for messages
     * @param budget how many distinct bad samples are tolerated (0: the first one fails the run)
     */
    public BadSamples(String dataset, int budget) {
        this.dataset = dataset;
        this.budget = budget;
    }

    /** Records a bad sample; throws when the budget is exceeded. */
    public void report(BadSample bad) {
        if (seen.putIfAbsent(bad.where(), bad) == null) {
            order.add(bad);
            LOG.warn("{}: skipping bad sample {}: {} ({} bad so far, budget {})", dataset, bad.where(), bad.reason(),
                    seen.size(), budget);
        }
        if (seen.size() > budget) {
            throw new TooManyBadSamplesException(summary());
        }
    }

    /** Records that entry {@code index} of the data source is bad; throws when the budget is exceeded. */
    public void report(int index, BadSample bad) {
        badIndices.add(index);
        report(bad);
    }

    /** True when entry {@code index} was reported bad before (it is skipped without another read). */
    public boolean isBadIndex(int index) {
        return badIndices.contains(index);
    }

    /** Distinct bad samples so far. */
    public int count() {
        return seen.size();
    }

    /** The bad samples in the order they were found. */
    public List<BadSample> list() {
        return new ArrayList<>(order);
    }

    public int budget() {
        return budget;
    }

    String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(dataset).append(": ").append(seen.size()).append(" bad samples, more than max_bad_samples = ")
                .append(budget).append(":");
        int i = 0;
        for (BadSample b : order) {
            if (i++ == SUMMARY_LINES) {
                sb.append("\n  ... and ").append(seen.size() - SUMMARY_LINES).append(" more");
                break;
            }
            sb.append("\n  ").append(b);
        }
        return sb.toString();
    }
}
