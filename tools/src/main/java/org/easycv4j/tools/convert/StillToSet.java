package org.easycv4j.tools.convert;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.easycv4j.tools.convert.PyValue.Dict;
import org.easycv4j.tools.convert.PyValue.Float;
import org.easycv4j.tools.convert.PyValue.Int;
import org.easycv4j.tools.convert.PyValue.PyList;
import org.easycv4j.tools.convert.PyValue.Str;

/**
 * What a translated config still needs from its user: EasyCV's configs point at EasyCV's own data folders,
 * and their absolute lr was chosen for the global batch of EasyCV's run, which the file names only by
 * convention ({@code 8xb64}: 8 GPUs of 64 images).
 */
final class StillToSet {
    private StillToSet() {}

    /** EasyCV's {@code <gpus>xb<images per gpu>} file-name convention. */
    private static final Pattern GPUS = Pattern.compile("(?<![0-9])(\\d+)xb(\\d+)");

    /** A data source's keys that hold paths: list_file and root, and the *_file / *_root / *_prefix / ... ones. */
    static boolean isPathKey(String key) {
        return key.equals("list_file") || key.equals("root") || key.equals("class_list") || key.endsWith("_file")
                || key.endsWith("_root") || key.endsWith("_prefix") || key.endsWith("_path") || key.endsWith("_dir");
    }

    /**
     * One line per data path (and per checkpoint the run starts from): the {@code vars.} name that holds it when the config names it (setting it moves
     * every use), otherwise the key's place; each with EasyCV's value.
     */
    static List<String> dataPaths(Dict config, Map<String, PyValue> vars) {
        Map<PyValue, String> varOf = new IdentityHashMap<>();
        vars.forEach((name, v) -> varOf.putIfAbsent(v, "vars." + name));
        Set<String> lines = new LinkedHashSet<>();
        walk(config, "", varOf, lines);
        // the checkpoints a run starts from are inputs too (a fine-tuning config's pretrained encoder)
        if (config.get("model") instanceof Dict model && model.get("pretrained") instanceof Str s
                && !s.value().isEmpty()) {
            lines.add("checkpoint " + varOf.getOrDefault(s, "model.pretrained") + " = " + PyFormat.repr(s)
                    .replace('\'', '"'));
        }
        for (String key : List.of("load_from", "resume_from")) {
            if (config.get(key) instanceof Str s && !s.value().isEmpty()) {
                lines.add("checkpoint " + varOf.getOrDefault(s, key) + " = " + PyFormat.repr(s).replace('\'', '"'));
            }
        }
        return new ArrayList<>(lines);
    }

    private static void walk(PyValue v, String path, Map<PyValue, String> varOf, Set<String> out) {
        if (v instanceof Dict d) {
            for (Map.Entry<String, PyValue> e : d.map().entrySet()) {
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (e.getKey().equals("data_source") && e.getValue() instanceof Dict source) {
                    for (Map.Entry<String, PyValue> k : source.map().entrySet()) {
                        // a class_list written as names is data, not a path
                        if (isPathKey(k.getKey()) && isPaths(k.getValue())
                                && !(k.getKey().equals("class_list") && k.getValue() instanceof PyList)) {
                            String where = varOf.getOrDefault(k.getValue(), p + "." + k.getKey());
                            out.add("data path " + where + " = " + PyFormat.repr(k.getValue()).replace('\'', '"'));
                        }
                    }
                } else {
                    walk(e.getValue(), p, varOf, out);
                }
            }
        } else if (v instanceof PyList l) {
            for (int k = 0; k < l.items().size(); k++) {
                walk(l.items().get(k), path + "[" + k + "]", varOf, out);
            }
        }
    }

    private static boolean isPaths(PyValue v) {
        return v instanceof Str s && !s.value().isEmpty()
                || v instanceof PyList l && !l.items().isEmpty() && l.items().stream().allMatch(x -> x instanceof Str);
    }

    /**
     * The lr line: EasyCV's lr is absolute, for imgs_per_gpu x its GPUs x update_interval images per step;
     * {@code optimizer.base_batch_size} set to that batch makes the lr scale with the batch of the actual run.
     * Empty when there is no lr or the config already scales it.
     */
    static Optional<String> lr(Dict config, String fileName) {
        if (!(config.get("optimizer") instanceof Dict opt) || opt.get("base_batch_size") != null) {
            return Optional.empty();
        }
        PyValue lr = opt.get("lr");
        if (!(lr instanceof Float || lr instanceof Int)) {
            return Optional.empty();
        }
        long perGpu = config.get("data") instanceof Dict d && d.get("imgs_per_gpu") instanceof Int n ? n.value() : -1;
        long interval = config.get("optimizer_config") instanceof Dict oc && oc.get("update_interval") instanceof Int u
                ? u.value() : 1;
        Matcher m = GPUS.matcher(fileName);
        Long gpus = null;
        if (m.find() && (perGpu < 0 || Long.parseLong(m.group(2)) == perGpu)) {
            gpus = Long.parseLong(m.group(1));
        }
        String lrText = PyFormat.repr(lr);
        if (perGpu < 0) {
            return Optional.of("optimizer.lr = " + lrText + " is EasyCV's absolute lr for its global batch; set "
                    + "optimizer.base_batch_size to that batch to scale the lr to yours (lr x your batch / "
                    + "base_batch_size)");
        }
        String intervalText = interval == 1 ? "" : " x update_interval " + interval;
        if (gpus == null) {
            return Optional.of("optimizer.lr = " + lrText + " is EasyCV's absolute lr for its global batch of "
                    + "imgs_per_gpu " + perGpu + " x its number of GPUs (not in the file name)" + intervalText
                    + "; set optimizer.base_batch_size to that product to scale the lr to your global batch "
                    + "(lr x your batch / base_batch_size)");
        }
        long batch = perGpu * gpus * interval;
        return Optional.of("optimizer.lr = " + lrText + " is EasyCV's absolute lr for its global batch of " + batch
                + " (imgs_per_gpu " + perGpu + " x " + gpus + " GPUs (\"" + m.group() + "\" in the file name)"
                + intervalText + "); set optimizer.base_batch_size = " + batch + " to scale it to your global batch"
                + " (lr x your batch / " + batch + ")");
    }
}
