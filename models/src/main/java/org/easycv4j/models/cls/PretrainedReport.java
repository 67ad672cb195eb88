package org.easycv4j.models.cls;

import java.util.List;

/**
 * What loading a pretrained checkpoint did (into a classifier, or into MAE by {@code MaePretrainedLoader}).
 *
 * @param loaded parameters copied from the checkpoint
 * @param missingExpected parameters the checkpoint need not have, left as initialized (a classifier's new head
 *     and fc_norm; MAE's decoder when the file holds an encoder only, and its fixed sin-cos tables)
 * @param ignored checkpoint entries of the other model only (for a classifier the decoder, mask token and the
 *     final norm when global pooling replaces it; for MAE a fine-tuned head and fc_norm)
 * @param unexpected other checkpoint entries that match no parameter
 * @param shapeMismatched head entries of another shape (a different number of classes), not loaded
 * @param interpolated position embeddings resized to the new patch grid
 */
public record PretrainedReport(List<String> loaded, List<String> missingExpected, List<String> ignored,
        List<String> unexpected, List<String> shapeMismatched, List<String> interpolated) {

    static PretrainedReport none() {
        return new PretrainedReport(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** A few lines for the log. */
    public String summary() {
        return "loaded " + loaded.size() + " tensors; left initialized (expected): " + missingExpected
                + "; ignored pretraining-only: " + ignored.size() + " " + abbreviate(ignored)
                + "; unexpected: " + unexpected + "; shape-mismatched (skipped): " + shapeMismatched
                + "; interpolated: " + interpolated;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 6 ? names.toString() : names.subList(0, 6) + "...";
    }
}
