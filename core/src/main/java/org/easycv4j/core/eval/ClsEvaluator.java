package org.easycv4j.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.StepOutput;

/**
 * Top-k accuracy of a classifier (EasyCV's {@code ClsEvaluator}): the first model output is the logits
 * (N, C); the first label is the class index (N) or a soft target (N, C), whose arg-max is the class.
 * Metrics are named {@code top1}, {@code top5}, ... in percent, as EasyCV reports them.
 */
public final class ClsEvaluator implements Evaluator {
    /**
     * {@code type = ClsEvaluator, topk = [1, 5]}.
     *
     * @param topk the k of each top-k accuracy
     */
    public record Settings(List<Integer> topk) {
        public static Settings fromConfig(ConfigNode node) {
            List<Integer> topk = node.integers("topk", List.of(1, 5));
            node.check(!topk.isEmpty() && topk.stream().allMatch(k -> k >= 1), "topk",
                    "expected a non-empty list of integers >= 1, got " + topk);
            return new Settings(topk);
        }
    }

    private final List<Integer> topk;
    private final long[] correct;
    private long total;

    public ClsEvaluator(List<Integer> topk) {
        this.topk = List.copyOf(topk);
        this.correct = new long[topk.size()];
    }

    @Override
    public void reset() {
        Arrays.fill(correct, 0);
        total = 0;
    }

    @Override
    public void update(Batch batch, StepOutput output) {
        NDArray logits = output.outputs().get(0);
        NDArray target = batch.labels().get(0);
        if (target.getShape().dimension() == 2) {
            target = target.argMax(1);
        }
        target = target.toType(DataType.INT64, false).reshape(-1, 1);
        long classes = logits.getShape().get(1);
        NDArray order = logits.argSort(1, false);
        for (int i = 0; i < topk.size(); i++) {
            int k = (int) Math.min(topk.get(i), classes);
            NDArray hit = order.get(":, :" + k).eq(target).toType(DataType.INT32, false).max(new int[] {1});
            correct[i] += hit.sum().toType(DataType.INT64, false).getLong();
        }
        total += logits.getShape().get(0);
    }

    /** {correct top-k for each k..., samples}: exact integers in a double up to 2^53. */
    @Override
    public java.util.Optional<double[]> counts() {
        double[] c = new double[correct.length + 1];
        for (int i = 0; i < correct.length; i++) {
            c[i] = correct[i];
        }
        c[correct.length] = total;
        return java.util.Optional.of(c);
    }

    @Override
    public void setCounts(double[] counts) {
        if (counts.length != correct.length + 1) {
            throw new IllegalArgumentException("expected " + (correct.length + 1) + " counts, got " + counts.length);
        }
        for (int i = 0; i < correct.length; i++) {
            correct[i] = (long) counts[i];
        }
        total = (long) counts[correct.length];
    }

    @Override
    public Map<String, Double> compute() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < topk.size(); i++) {
            out.put("top" + topk.get(i), total == 0 ? 0.0 : 100.0 * correct[i] / total);
        }
        return out;
    }
}
