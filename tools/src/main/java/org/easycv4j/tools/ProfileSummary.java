package org.easycv4j.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-operator totals from a Chrome trace written by the engine's profiler: self time (the operator's duration
 * minus the operators it called) and call counts, the figures {@code torch.profiler}'s key_averages shows.
 */
record ProfileSummary(List<Row> rows, double totalSelfMs) {

    record Row(String name, long calls, double selfMs, double totalMs) {}

    private record Event(String name, long thread, double ts, double dur) {}

    static ProfileSummary read(Path trace) throws IOException {
        JsonElement root;
        try (Reader in = Files.newBufferedReader(trace)) {
            root = JsonParser.parseReader(in);
        }
        JsonArray events = root.isJsonArray() ? root.getAsJsonArray()
                : root.getAsJsonObject().getAsJsonArray("traceEvents");
        List<Event> complete = new ArrayList<>();
        for (JsonElement e : events) {
            JsonObject o = e.getAsJsonObject();
            if (o.has("dur") && o.has("ts") && o.has("name")) {
                long tid = o.has("tid") ? o.get("tid").getAsLong() : 0;
                complete.add(new Event(o.get("name").getAsString(), tid, o.get("ts").getAsDouble(),
                        o.get("dur").getAsDouble()));
            }
        }
        // Nested calls on one thread: a child lies inside its parent's interval; self = dur - sum(children).
        complete.sort(Comparator.comparingLong(Event::thread).thenComparingDouble(Event::ts)
                .thenComparing(Comparator.comparingDouble(Event::dur).reversed()));
        Map<String, double[]> acc = new HashMap<>();
        Deque<double[]> stack = new ArrayDeque<>();
        Deque<Event> open = new ArrayDeque<>();
        long thread = Long.MIN_VALUE;
        for (Event e : complete) {
            if (e.thread() != thread) {
                stack.clear();
                open.clear();
                thread = e.thread();
            }
            while (!open.isEmpty() && open.peek().ts() + open.peek().dur() <= e.ts()) {
                open.pop();
                stack.pop();
            }
            if (!stack.isEmpty()) {
                stack.peek()[0] -= e.dur();
            }
            double[] row = acc.computeIfAbsent(e.name(), k -> new double[3]);
            row[0] += e.dur();
            row[1] += e.dur();
            row[2]++;
            open.push(e);
            stack.push(row);
        }
        List<Row> rows = new ArrayList<>();
        double total = 0;
        for (Map.Entry<String, double[]> en : acc.entrySet()) {
            double[] v = en.getValue();
            rows.add(new Row(en.getKey(), (long) v[2], v[0] / 1000, v[1] / 1000));
            total += v[0] / 1000;
        }
        rows.sort(Comparator.comparingDouble(Row::selfMs).reversed());
        return new ProfileSummary(rows, total);
    }

    /** The {@code top} rows by self time, per step when {@code steps > 0}. */
    String format(int top, int steps) {
        double per = Math.max(1, steps);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "PROFILE per step (ms): self total calls  operator  [%.1f ms self in all]%n", totalSelfMs / per));
        for (Row r : rows.subList(0, Math.min(top, rows.size()))) {
            out.append(String.format(Locale.ROOT, "  %7.2f %7.2f %6.1f  %s%n", r.selfMs() / per, r.totalMs() / per,
                    r.calls() / per, r.name()));
        }
        return out.toString();
    }
}
