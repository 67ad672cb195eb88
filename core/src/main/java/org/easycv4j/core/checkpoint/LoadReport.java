package org.easycv4j.core.checkpoint;

import java.util.List;

/**
 * What {@link WeightLoader} did.
 *
 * @param loaded parameters copied from the file
 * @param missing parameters the file lacks that the policy lets keep their initial values (a classifier's new
 *     head, MAE's decoder when the file holds an encoder only, fixed sin-cos tables)
 * @param ignored file entries of another model's part (an MAE decoder for a classifier, a head for MAE)
 * @param unexpected other file entries that match no parameter (an error under a strict policy)
 * @param shapeMismatched entries of another shape the policy lets skip (a head for another number of classes)
 * @param adapted entries converted to the parameter's shape ({@code name from -> to})
 */
public record LoadReport(List<String> loaded, List<String> missing, List<String> ignored, List<String> unexpected,
        List<String> shapeMismatched, List<String> adapted) {

    /** Nothing loaded. */
    public static LoadReport none() {
        return new LoadReport(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** A few lines for the log. */
    public String summary() {
        return "loaded " + loaded.size() + " tensors; missing (left initialized): " + missing
                + "; ignored (other model's part): " + ignored.size() + " " + abbreviate(ignored)
                + "; unexpected: " + unexpected + "; shape-mismatched (skipped): " + shapeMismatched
                + "; interpolated: " + adapted;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 6 ? names.toString() : names.subList(0, 6) + "...";
    }
}
