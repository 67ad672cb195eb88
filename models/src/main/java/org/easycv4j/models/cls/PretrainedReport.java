package org.easycv4j.models.cls;

import java.util.List;

/**
 * What loading a pretrained checkpoint did.
 *
 * @param loaded parameters copied from the checkpoint
 * @param missingExpected parameters the checkpoint cannot have (the new head and fc_norm), left as initialized
 * @param ignored checkpoint entries of the pretraining model only (decoder, mask token, the final norm when
 *     global pooling replaces it)
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
