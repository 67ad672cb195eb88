package org.easycv4j.tools.plot;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records of a run's {@code metrics.jsonl}: training lines ({@code "mode": "train"} with {@code epoch},
 * {@code global_iter}, {@code lr}, {@code loss}) and validation lines ({@code "mode": "val"} with {@code epoch},
 * {@code global_iter} and numeric metrics such as {@code top1}, {@code top5}, {@code loss}).
 */
public record MetricsLog(List<Train> train, List<Val> val) {
    public static final String FILE = "metrics.jsonl";

    /** One training log line. */
    public record Train(int epoch, long globalIter, double lr, double loss) {}

    /** One validation pass: its numeric metrics by name. */
    public record Val(int epoch, long globalIter, Map<String, Double> metrics) {}

    /** Reads {@code file}; a malformed line fails with the file and line number. */
    public static MetricsLog read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no training log at " + file);
        }
        List<Train> train = new ArrayList<>();
        List<Val> val = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file + ":" + (i + 1);
            JsonObject o;
            try {
                o = JsonParser.parseString(line).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new IOException(where + ": not a JSON object: " + e.getMessage());
            }
            String mode = o.has("mode") ? o.get("mode").getAsString() : "";
            switch (mode) {
                case "train" -> train.add(new Train((int) number(o, "epoch", where), (long) number(o, "global_iter",
                        where), number(o, "lr", where), number(o, "loss", where)));
                case "val" -> {
                    Map<String, Double> metrics = new LinkedHashMap<>();
                    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                        String k = e.getKey();
                        if (!k.equals("mode") && !k.equals("epoch") && !k.equals("global_iter")
                                && e.getValue().isJsonPrimitive() && e.getValue().getAsJsonPrimitive().isNumber()) {
                            metrics.put(k, e.getValue().getAsDouble());
                        }
                    }
                    val.add(new Val((int) number(o, "epoch", where), (long) number(o, "global_iter", where), metrics));
                }
                default -> throw new IOException(where + ": expected \"mode\": \"train\" or \"val\", got " + o.get("mode"));
            }
        }
        return new MetricsLog(train, val);
    }

    private static double number(JsonObject o, String key, String where) throws IOException {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IOException(where + ": expected a number \"" + key + "\", got " + e);
        }
        return e.getAsDouble();
    }
}
