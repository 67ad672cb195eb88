package org.easycv4j.core.optim;

import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.easycv4j.core.model.LayerIds;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.util.AtomicFiles;

/**
 * What the optimizer will do to each parameter: layer id, lr scale, weight decay, trainable or frozen. Shown
 * by {@code train --dry-run} ({@link #format()}) and written to {@code param_groups.json} ({@link #writeJson}).
 */
public final class ParamGroupTable {

    /**
     * One parameter. {@code trainable} false: frozen (no gradient, no optimizer state, not updated, no weight
     * decay), e.g. MAE's fixed pos_embed or the stages of {@code frozen_stages}.
     */
    public record Row(String name, Shape shape, boolean trainable, int layerId, double lrScale, double weightDecay) {}

    private final List<Row> rows;
    private final int numLayers;
    private final double baseLr;

    private ParamGroupTable(List<Row> rows, int numLayers, double baseLr) {
        this.rows = List.copyOf(rows);
        this.numLayers = numLayers;
        this.baseLr = baseLr;
    }

    /**
     * The table for {@code params} of a model whose layers are {@code layers} under {@code optimizer}. Optimizers without per-parameter options get lr
     * scale 1 and NaN weight decay (their own single setting applies).
     */
    public static ParamGroupTable of(List<NamedParameter> params, LayerIds layers, Optimizer optimizer) {
        int numLayers = layers.numLayers();
        ParamGroups groups = optimizer.paramGroups().orElse(ParamGroups.uniform(Double.NaN));
        List<Row> rows = new ArrayList<>();
        for (NamedParameter p : params) {
            Shape shape = p.parameter().getShape() != null ? p.parameter().getShape()
                    : p.parameter().getArray().getShape();
            ParamGroups.Assignment a = groups.assign(p.name(), shape, layers);
            boolean trainable = p.parameter().requiresGradient();
            rows.add(new Row(p.name(), shape, trainable, a.layerId(), a.lrScale(), trainable ? a.weightDecay() : 0.0));
        }
        return new ParamGroupTable(rows, numLayers, optimizer.baseLr());
    }

    public List<Row> rows() {
        return rows;
    }

    /** depth + 1, the layer id of parameters after the last block. */
    public int numLayers() {
        return numLayers;
    }

    /** A fixed-width text table, one line per parameter, then a count of trainable and fixed elements. */
    public String format() {
        int w = Math.max(4, rows.stream().mapToInt(r -> r.name().length()).max().orElse(4));
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-" + w + "s  %-20s %5s %12s %12s %8s%n", "name", "shape", "layer",
                "lr_scale", "lr", "wd"));
        long trainable = 0;
        long fixed = 0;
        for (Row r : rows) {
            String lr = r.trainable() ? String.format(Locale.ROOT, "%.4e", baseLr * r.lrScale()) : "frozen";
            b.append(String.format(Locale.ROOT, "%-" + w + "s  %-20s %5d %12.6g %12s %8.4g%n", r.name(),
                    r.shape(), r.layerId(), r.lrScale(), lr, r.weightDecay()));
            if (r.trainable()) {
                trainable += r.shape().size();
            } else {
                fixed += r.shape().size();
            }
        }
        b.append(String.format(Locale.ROOT, "%d parameters, %d trainable elements, %d frozen elements, base lr %.4e,"
                + " num_layers %d%n", rows.size(), trainable, fixed, baseLr, numLayers));
        return b.toString();
    }

    /**
     * Writes {@code {"base_lr", "num_layers", "parameters": [...], "groups": [...]}}; groups collect the
     * trainable parameters with equal (layer id, lr scale, weight decay), as the MAE repo prints them.
     */
    public void writeJson(Path file) throws IOException {
        JsonObject root = new JsonObject();
        root.addProperty("base_lr", baseLr);
        root.addProperty("num_layers", numLayers);
        JsonArray params = new JsonArray();
        Map<String, JsonObject> groups = new LinkedHashMap<>();
        for (Row r : rows) {
            JsonObject o = new JsonObject();
            o.addProperty("name", r.name());
            JsonArray shape = new JsonArray();
            for (long d : r.shape().getShape()) {
                shape.add(d);
            }
            o.add("shape", shape);
            o.addProperty("trainable", r.trainable());
            o.addProperty("frozen", !r.trainable());
            o.addProperty("layer_id", r.layerId());
            o.addProperty("lr_scale", r.lrScale());
            if (Double.isFinite(r.weightDecay())) {
                o.addProperty("weight_decay", r.weightDecay());
            }
            params.add(o);
            if (!r.trainable()) {
                continue;
            }
            String key = r.layerId() + "/" + r.lrScale() + "/" + r.weightDecay();
            JsonObject g = groups.computeIfAbsent(key, k -> {
                JsonObject n = new JsonObject();
                n.addProperty("layer_id", r.layerId());
                n.addProperty("lr_scale", r.lrScale());
                if (Double.isFinite(r.weightDecay())) {
                    n.addProperty("weight_decay", r.weightDecay());
                }
                n.add("params", new JsonArray());
                return n;
            });
            g.getAsJsonArray("params").add(r.name());
        }
        root.add("parameters", params);
        JsonArray g = new JsonArray();
        groups.values().forEach(g::add);
        root.add("groups", g);
        AtomicFiles.write(file, (new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }
}
