package org.easycv4j.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.model.FeaturePooling;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Spec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The weighted kNN probe of DINO's {@code knn_classifier} (also solo-learn's kNN monitor): bank and query features
 * are L2-normalized; each query's {@code k} most cosine-similar bank samples vote for their class with weight
 * {@code exp(similarity / temperature)}; a query counts as correct at top-j when its class is among the j classes
 * with the largest summed weight. Metrics {@code knn_top1}, {@code knn_top5}, ... in percent, as
 * {@link ClsEvaluator} reports {@code top1}.
 *
 * <p>Rules where DINO leaves it to the sort: {@code k} larger than the bank is clipped to the bank's size (logged
 * once); classes with equal scores rank by class index, the lower first; a class no neighbour voted for is never
 * counted correct (DINO may count it at top-5 when fewer than 5 classes got votes). Which of several bank samples
 * tied at the k-th similarity is taken is the engine's {@code topk}'s choice, as in DINO.
 *
 * <p>Everything stays on the device: queries are scored in chunks of {@value #CHUNK} against the whole bank (a
 * chunk's similarities are {@value #CHUNK} x bank size floats), the correct counts are summed on the device and
 * read once, in {@link #compute()}.
 */
public final class KnnEvaluator implements FeatureEvaluator {
    /**
     * The vote's keys.
     *
     * @param k neighbours per query (DINO's 20); clipped to the bank's size
     * @param temperature the weight of a neighbour at cosine similarity s is exp(s / temperature) (DINO's 0.07)
     * @param topk the k of each reported top-k accuracy ({@code knn_top1}, ...)
     * @param pooling how the model pools its tokens into features
     */
    public record Vote(int k, double temperature, List<Integer> topk, FeaturePooling pooling) {
        public static Vote fromConfig(ConfigNode node) {
            int k = node.integerAtLeast("k", 20, 1);
            double t = node.number("temperature", 0.07);
            node.check(t > 0 && Double.isFinite(t), "temperature", "expected a number > 0, got " + t);
            List<Integer> topk = node.integers("topk", List.of(1, 5));
            node.check(!topk.isEmpty() && topk.stream().allMatch(x -> x >= 1), "topk",
                    "expected a non-empty list of integers >= 1, got " + topk);
            FeaturePooling pooling = node.choice("pooling", FeaturePooling.DEFAULT);
            return new Vote(k, t, topk, pooling);
        }
    }

    /**
     * {@code type = KNNEvaluator, bank {type = ClsDataset, ...}, k = 20, temperature = 0.07, topk = [1, 5],
     * pooling = default} in {@code eval_pipelines}, whose {@code data} are the queries. The kNN monitor hook
     * ({@code KNNEvalHook}) reads the same keys.
     *
     * @param bank the labelled reference set (a dataset with labels, e.g. {@code ClsDataset})
     */
    public record Settings(Vote vote, Spec<Dataset> bank) {
        public static Settings fromConfig(ConfigNode node, Components components) {
            Vote vote = Vote.fromConfig(node);
            return new Settings(vote, dataset(components, node, "bank").orElse(null));
        }
    }

    /** The required dataset {@code key} (a bank or query set): one problem naming the key when it is missing. */
    public static Optional<Spec<Dataset>> dataset(Components components, ConfigNode node, String key) {
        ConfigNode child = node.object(key); // records "missing required object" when absent
        return node.has(key) ? components.parse(child, Dataset.KIND) : Optional.empty();
    }

    private static final Logger LOG = LoggerFactory.getLogger(KnnEvaluator.class);
    /** Queries scored at once. */
    public static final int CHUNK = 256;
    /** The metric names' prefix. */
    public static final String PREFIX = "knn_";

    private final Vote vote;
    private final Dataset bank;
    private NDManager manager;
    private NDArray bankT;
    private NDArray bankLabels;
    private int numClasses;
    private int k;
    private NDArray[] correct;
    private NDArray total;
    private long[] hostCorrect;
    private long hostTotal;
    private boolean read = true;
    private boolean warned;

    /** @param bank the labelled reference set ({@link #bank()}); may be null when the bank is set directly */
    public KnnEvaluator(Vote vote, Dataset bank) {
        this.vote = vote;
        this.bank = bank;
        this.hostCorrect = new long[vote.topk().size()];
    }

    public Vote vote() {
        return vote;
    }

    @Override
    public FeaturePooling pooling() {
        return vote.pooling();
    }

    @Override
    public Dataset bank() {
        if (bank == null) {
            throw new IllegalStateException("this KNNEvaluator was built without a bank dataset");
        }
        return bank;
    }

    /** Classes the bank's labels name (its largest label + 1). */
    public int numClasses() {
        return numClasses;
    }

    /** The k in use: the configured one clipped to the bank's size. */
    public int effectiveK() {
        return k;
    }

    @Override
    public void setBank(NDArray features, NDArray labels) {
        long n = features.getShape().get(0);
        if (n == 0) {
            throw new IllegalArgumentException("the kNN bank is empty");
        }
        if (labels.getShape().dimension() != 1 || labels.getShape().get(0) != n) {
            throw new IllegalArgumentException("expected " + n + " bank labels, got shape " + labels.getShape());
        }
        close();
        // The evaluator's own arrays outlive the caller's (the bank is re-extracted before every pass).
        manager = NDManager.newBaseManager(features.getDevice());
        bankT = normalize(features).transpose().duplicate();
        bankT.attach(manager);
        bankLabels = labels.toType(DataType.INT64, true);
        bankLabels.attach(manager);
        numClasses = (int) labels.max().toType(DataType.INT64, false).getLong() + 1;
        k = (int) Math.min(vote.k(), n);
        if (k < vote.k() && !warned) {
            LOG.warn("kNN: k = {} but the bank holds {} samples: using k = {}", vote.k(), n, k);
            warned = true;
        }
        reset();
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(hostCorrect, 0);
        hostTotal = 0;
        read = true;
        if (manager == null) {
            return;
        }
        correct = new NDArray[vote.topk().size()];
        for (int i = 0; i < correct.length; i++) {
            correct[i] = manager.zeros(new Shape(), DataType.INT64);
        }
        total = manager.zeros(new Shape(), DataType.INT64);
    }

    /** Features (N, D) as the first output, class indices (N) or soft targets (N, C) as the first label. */
    @Override
    public void update(Batch batch, StepOutput output) {
        NDArray labels = batch.labels().isEmpty() ? null : batch.labels().get(0);
        if (labels == null) {
            throw new IllegalArgumentException("KNNEvaluator needs labelled queries (a ClsDataset)");
        }
        addQueries(output.outputs().get(0), labels);
    }

    /** Scores queries (N, D) with their classes (N) (or soft targets (N, C)) against the bank. */
    public void addQueries(NDArray features, NDArray labels) {
        requireBank();
        if (labels.getShape().dimension() == 2) {
            labels = labels.argMax(1);
        }
        long n = features.getShape().get(0);
        if (labels.getShape().get(0) != n) {
            throw new IllegalArgumentException(n + " query features but " + labels.getShape().get(0) + " labels");
        }
        NDArray target = labels.toType(DataType.INT64, false);
        NDArray q = normalize(features);
        for (long start = 0; start < n; start += CHUNK) {
            long end = Math.min(n, start + CHUNK);
            NDArray scores = scoresOfNormalized(q.get(start + ":" + end));
            NDArray t = target.get(start + ":" + end);
            // The target's score (0 for a class the bank has not: it cannot win) and its rank among the classes:
            // the classes scoring more, plus those scoring the same with a lower index.
            NDArray inBank = t.lt(numClasses);
            NDArray st = scores.gather(t.minimum(numClasses - 1).expandDims(1), 1).squeeze(1)
                    .mul(inBank.toType(DataType.FLOAT32, false));
            NDArray s1 = st.expandDims(1);
            NDArray classes = scores.getManager().arange(numClasses).toType(DataType.INT64, false).expandDims(0);
            NDArray rank = scores.gt(s1).toType(DataType.INT64, false).sum(new int[] {1})
                    .add(scores.eq(s1).logicalAnd(classes.lt(t.expandDims(1))).toType(DataType.INT64, false)
                            .sum(new int[] {1}));
            NDArray voted = st.gt(0);
            for (int i = 0; i < correct.length; i++) {
                NDArray hit = rank.lt(vote.topk().get(i)).logicalAnd(voted);
                correct[i].addi(hit.toType(DataType.INT64, false).sum());
            }
        }
        total.addi(n);
        read = false;
    }

    /**
     * The weighted votes of queries (N, D) (normalized here): (N, classes), the summed exp(similarity /
     * temperature) of each class's samples among the query's k nearest bank samples.
     */
    public NDArray scores(NDArray features) {
        requireBank();
        return scoresOfNormalized(normalize(features));
    }

    private NDArray scoresOfNormalized(NDArray q) {
        NDArray sim = q.matMul(bankT);
        NDList top = sim.topK(k, 1, true, true);
        NDArray values = top.get(0);
        NDArray indices = top.get(1);
        long m = q.getShape().get(0);
        NDArray neighbours = bankLabels.expandDims(0).broadcast(m, bankLabels.getShape().get(0)).gather(indices, 1);
        NDArray weights = values.div(vote.temperature()).exp();
        return neighbours.oneHot(numClasses).mul(weights.expandDims(2)).sum(new int[] {1});
    }

    private void requireBank() {
        if (bankT == null) {
            throw new IllegalStateException("KNNEvaluator has no bank: it scores features against a labelled bank "
                    + "(bank = {type = ClsDataset, ...}), which the validation loop extracts first");
        }
    }

    /** x / max(||x||, 1e-12) per row, in float32 (torch's F.normalize). */
    private static NDArray normalize(NDArray x) {
        NDArray f = x.toType(DataType.FLOAT32, false);
        return f.div(f.norm(new int[] {1}, true).maximum(1e-12f));
    }

    private void readCounts() {
        if (read || correct == null) {
            return;
        }
        for (int i = 0; i < correct.length; i++) {
            hostCorrect[i] = correct[i].getLong();
        }
        hostTotal = total.getLong();
        read = true;
    }

    /** {correct top-k for each k..., queries}: adds up over ranks that scored their queries against the same bank. */
    @Override
    public Optional<double[]> counts() {
        readCounts();
        double[] c = new double[hostCorrect.length + 1];
        for (int i = 0; i < hostCorrect.length; i++) {
            c[i] = hostCorrect[i];
        }
        c[hostCorrect.length] = hostTotal;
        return Optional.of(c);
    }

    @Override
    public void setCounts(double[] counts) {
        if (counts.length != hostCorrect.length + 1) {
            throw new IllegalArgumentException("expected " + (hostCorrect.length + 1) + " counts, got "
                    + counts.length);
        }
        readCounts();
        for (int i = 0; i < hostCorrect.length; i++) {
            hostCorrect[i] = (long) counts[i];
        }
        hostTotal = (long) counts[hostCorrect.length];
    }

    @Override
    public Map<String, Double> compute() {
        readCounts();
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < hostCorrect.length; i++) {
            out.put(PREFIX + "top" + vote.topk().get(i), hostTotal == 0 ? 0.0 : 100.0 * hostCorrect[i] / hostTotal);
        }
        return out;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
            manager = null;
            bankT = null;
            bankLabels = null;
            correct = null;
            total = null;
        }
    }
}
