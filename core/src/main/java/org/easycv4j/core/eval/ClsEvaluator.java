package org.easycv4j.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.ClassList;
import org.easycv4j.core.model.StepOutput;

/**
 * Top-k accuracy of a classifier (EasyCV's {@code ClsEvaluator}): the first model output is the logits
 * (N, C); the first label is the class index (N) or a soft target (N, C), whose arg-max is the class.
 * Metrics are named {@code top1}, {@code top5}, ... in percent, as EasyCV reports them.
 *
 * <p>With a class list (EasyCV's {@code class_list}), the top-1 prediction is also counted per class, and
 * {@code recall_mean}, {@code precision_mean} and {@code f1_mean} are reported as EasyCV computes them: each
 * class's {@code tp / (tp + fn + 1e-5)}, {@code tp / (tp + fp + 1e-5)} and {@code 2 r p / (r + p + 1e-5)}, averaged
 * over the classes, as fractions.
 */
public final class ClsEvaluator implements Evaluator {
    private static final double EPS = 1e-5; // EasyCV's

    /**
     * {@code type = ClsEvaluator, topk = [1, 5]}; {@code topk} may be one integer (EasyCV's {@code topk=1}), and
     * {@code class_list} (a list of names or a file of them, as the data source takes it) adds EasyCV's per-class
     * recall / precision / F1 means.
     *
     * @param topk the k of each top-k accuracy
     * @param classList the class names for per-class metrics
     */
    public record Settings(List<Integer> topk, Optional<ClassList> classList) {
        public static Settings fromConfig(ConfigNode node) {
            List<Integer> topk = node.isList("topk") || !node.has("topk") ? node.integers("topk", List.of(1, 5))
                    : List.of(node.integer("topk", 1));
            node.check(!topk.isEmpty() && topk.stream().allMatch(k -> k >= 1), "topk",
                    "expected a non-empty list of integers >= 1, got " + topk);
            return new Settings(topk, ClassList.fromConfig(node, "class_list"));
        }

        /** The evaluator these settings describe (reads the class list's file, when it is one). */
        public ClsEvaluator create() throws java.io.IOException {
            return new ClsEvaluator(topk, classList.isPresent() ? classList.get().names("class_list") : List.of());
        }
    }

    private final List<Integer> topk;
    private final long[] correct;
    private long total;
    private final List<String> classes;
    /** Per class: true positives, false negatives, false positives (empty without a class list). */
    private final long[] tp;
    private final long[] fn;
    private final long[] fp;

    public ClsEvaluator(List<Integer> topk) {
        this(topk, List.of());
    }

    /** @param classes the class names in label order; empty: no per-class metrics */
    public ClsEvaluator(List<Integer> topk, List<String> classes) {
        this.topk = List.copyOf(topk);
        this.correct = new long[topk.size()];
        this.classes = List.copyOf(classes);
        this.tp = new long[classes.size()];
        this.fn = new long[classes.size()];
        this.fp = new long[classes.size()];
    }

    @Override
    public void reset() {
        Arrays.fill(correct, 0);
        total = 0;
        Arrays.fill(tp, 0);
        Arrays.fill(fn, 0);
        Arrays.fill(fp, 0);
    }

    @Override
    public void update(Batch batch, StepOutput output) {
        NDArray logits = output.outputs().get(0);
        NDArray target = batch.labels().get(0);
        if (target.getShape().dimension() == 2) {
            target = target.argMax(1);
        }
        target = target.toType(DataType.INT64, false).reshape(-1, 1);
        long width = logits.getShape().get(1);
        NDArray order = logits.argSort(1, false);
        for (int i = 0; i < topk.size(); i++) {
            int k = (int) Math.min(topk.get(i), width);
            NDArray hit = order.get(":, :" + k).eq(target).toType(DataType.INT32, false).max(new int[] {1});
            correct[i] += hit.sum().toType(DataType.INT64, false).getLong();
        }
        total += logits.getShape().get(0);
        if (!classes.isEmpty()) {
            if (width != classes.size()) {
                throw new IllegalArgumentException("class_list names " + classes.size() + " classes but the model "
                        + "gives " + width + " scores per sample");
            }
            long[] pred = order.get(":, 0").toType(DataType.INT64, false).toLongArray();
            long[] truth = target.toLongArray();
            for (int n = 0; n < pred.length; n++) {
                int p = (int) pred[n];
                int t = (int) truth[n];
                if (p == t) {
                    tp[t]++;
                } else {
                    fn[t]++;
                    fp[p]++;
                }
            }
        }
    }

    /** {correct top-k for each k..., samples, then tp, fn, fp of each class}: exact integers in a double up to 2^53. */
    @Override
    public java.util.Optional<double[]> counts() {
        int c = classes.size();
        double[] out = new double[correct.length + 1 + 3 * c];
        for (int i = 0; i < correct.length; i++) {
            out[i] = correct[i];
        }
        out[correct.length] = total;
        for (int k = 0; k < c; k++) {
            int at = correct.length + 1 + 3 * k;
            out[at] = tp[k];
            out[at + 1] = fn[k];
            out[at + 2] = fp[k];
        }
        return java.util.Optional.of(out);
    }

    @Override
    public void setCounts(double[] counts) {
        int c = classes.size();
        if (counts.length != correct.length + 1 + 3 * c) {
            throw new IllegalArgumentException("expected " + (correct.length + 1 + 3 * c) + " counts, got "
                    + counts.length);
        }
        for (int i = 0; i < correct.length; i++) {
            correct[i] = (long) counts[i];
        }
        total = (long) counts[correct.length];
        for (int k = 0; k < c; k++) {
            int at = correct.length + 1 + 3 * k;
            tp[k] = (long) counts[at];
            fn[k] = (long) counts[at + 1];
            fp[k] = (long) counts[at + 2];
        }
    }

    @Override
    public Map<String, Double> compute() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < topk.size(); i++) {
            out.put("top" + topk.get(i), total == 0 ? 0.0 : 100.0 * correct[i] / total);
        }
        if (!classes.isEmpty()) {
            double recall = 0;
            double precision = 0;
            double f1 = 0;
            for (int k = 0; k < classes.size(); k++) {
                double r = tp[k] / (tp[k] + fn[k] + EPS);
                double p = tp[k] / (tp[k] + fp[k] + EPS);
                recall += r;
                precision += p;
                f1 += 2 * r * p / (r + p + EPS);
            }
            out.put("recall_mean", recall / classes.size());
            out.put("precision_mean", precision / classes.size());
            out.put("f1_mean", f1 / classes.size());
        }
        return out;
    }
}
