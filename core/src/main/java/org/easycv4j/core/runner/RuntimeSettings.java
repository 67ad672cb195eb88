package org.easycv4j.core.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.easycv4j.core.config.ConfigNode;

/**
 * EasyCV's run-time keys ({@code configs/base.py} and the keys its {@code tools/train.py} reads) that are not
 * part of the experiment itself. {@code log_level}, {@code cudnn_benchmark} and {@code opencv_num_threads} are
 * applied; the keys of
 * {@link #IGNORED} are accepted, checked where their type is obvious, and named in one note, so that an EasyCV
 * config's runtime section needs no editing.
 *
 * @param logLevel the console log level, when set
 * @param cudnnBenchmark let cuDNN pick the fastest convolution algorithms (PyTorch's
 *     {@code torch.backends.cudnn.benchmark})
 * @param opencvNumThreads OpenCV's own threads inside one image operation ({@code cv2.setNumThreads}), when set
 * @param ignored the keys of {@link #IGNORED} the config sets, in table order
 */
public record RuntimeSettings(Optional<LogLevel> logLevel, boolean cudnnBenchmark, OptionalInt opencvNumThreads,
        List<String> ignored) {

    /** Python logging's level names, as EasyCV writes them. */
    public enum LogLevel { DEBUG, INFO, WARNING, ERROR, CRITICAL }

    /** EasyCV keys without an effect here, and why: the table docs/config.md shows. */
    public static final Map<String, String> IGNORED = ignoredKeys();

    private static Map<String, String> ignoredKeys() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("workflow", "validation runs from eval_config; EasyCV accepts only [('train', 1)] too");
        m.put("mp_start_method", "the data loader uses threads, not processes");
        m.put("train_cfg", "empty in EasyCV's base config; no model here reads it");
        m.put("test_cfg", "empty in EasyCV's base config; no model here reads it");
        m.put("evaluation", "mmcv's evaluation hook settings; EasyCV, like this project, evaluates from eval_config");
        m.put("oss_io_config", "no Alibaba Cloud OSS access; use local paths");
        m.put("oss_sync_config", "no Alibaba Cloud OSS access; use local paths");
        m.put("checkpoint_sync_export", "no export at checkpoint time; run tools/export");
        m.put("export", "tools/export takes its options on the command line");
        m.put("predict", "tools/predict takes its options on the command line");
        m.put("find_unused_parameters", "a PyTorch DistributedDataParallel option");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Reads and marks as known the runtime keys of {@code root} (the experiment's top level). */
    public static RuntimeSettings parse(ConfigNode root) {
        Optional<LogLevel> level = Optional.empty();
        if (root.has("log_level")) {
            List<String> names = java.util.Arrays.stream(LogLevel.values()).map(Enum::name).toList();
            String name = root.choice("log_level", "INFO", names);
            level = Optional.of(LogLevel.valueOf(name));
        }
        boolean cudnn = root.bool("cudnn_benchmark", false);
        OptionalInt threads = OptionalInt.empty();
        if (root.has("opencv_num_threads")) {
            int n = root.integer("opencv_num_threads");
            root.check(n >= 0, "opencv_num_threads", "expected a number of threads >= 0, got " + n);
            threads = n >= 0 ? OptionalInt.of(n) : threads;
        } else {
            root.accept("opencv_num_threads");
        }
        if (root.has("mp_start_method")) {
            root.choice("mp_start_method", "fork", List.of("fork", "spawn", "forkserver"));
        }
        if (root.has("workflow") && root.config().getValue("workflow").valueType()
                != com.typesafe.config.ConfigValueType.LIST) {
            root.problem("workflow", "expected a list such as [[train, 1]]");
        }
        List<String> ignored = new ArrayList<>();
        for (String key : IGNORED.keySet()) {
            root.accept(key);
            if (root.has(key)) {
                ignored.add(key);
            }
        }
        return new RuntimeSettings(level, cudnn, threads, List.copyOf(ignored));
    }

    /** The one line telling the user which keys had no effect, or empty when there are none. */
    public Optional<String> note() {
        if (ignored.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("EasyCV keys without effect here, ignored: " + String.join(", ", ignored)
                + " (docs/config.md, EasyCV compatibility)");
    }
}
