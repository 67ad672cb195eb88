package org.easycv4j.tools.convert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.easycv4j.tools.convert.PyConfigParser.Problem;
import org.easycv4j.tools.convert.PyValue.Bool;
import org.easycv4j.tools.convert.PyValue.Dict;
import org.easycv4j.tools.convert.PyValue.Loc;
import org.easycv4j.tools.convert.PyValue.PyList;
import org.easycv4j.tools.convert.PyValue.Str;

/**
 * Reads an EasyCV python config with its {@code _base_} files, as EasyCV's {@code mmcv_file2dict_base} does:
 * bases are read first (a key defined by two bases is an error), then the file's own names are merged into
 * them with mmcv's {@code _merge_a_into_b}: a dict merges key by key into a dict of the base, anything else
 * (lists included) replaces, and {@code _delete_=True} in a dict replaces the base's dict instead of merging.
 * A {@code _base_} path starting with {@code configs/} or {@code benchmarks/} is taken from the EasyCV
 * repository root (given, or the nearest ancestor of the file where the path exists); others from the
 * including file's folder.
 */
final class EasyCvConfigReader {

    /** The merged names in Python's order, the names some expression read, and every problem found. */
    record Result(Dict config, Set<String> used, List<Problem> problems) {}

    private final Optional<Path> easycvRoot;
    private final Set<String> used = new HashSet<>();
    private final List<Problem> problems = new ArrayList<>();

    private EasyCvConfigReader(Optional<Path> easycvRoot) {
        this.easycvRoot = easycvRoot;
    }

    static Result read(Path file, Optional<Path> easycvRoot) {
        EasyCvConfigReader r = new EasyCvConfigReader(easycvRoot);
        Dict d = r.file(file.toAbsolutePath().normalize(), new ArrayList<>(), null);
        return new Result(d == null ? new Dict(Map.of(), new Loc(file.toString(), 1)) : stripDelete(d),
                Set.copyOf(r.used), List.copyOf(r.problems));
    }

    private Dict file(Path file, List<Path> chain, Loc includedAt) {
        String shown = display(file);
        if (chain.contains(file)) {
            problems.add(new Problem(includedAt, "_base_ cycle: " + chain.stream().map(EasyCvConfigReader::display)
                    .toList() + " -> " + shown));
            return null;
        }
        String source;
        try {
            source = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(new Problem(includedAt != null ? includedAt : new Loc(shown, 0),
                    "cannot read " + shown + ": " + (e instanceof java.nio.file.NoSuchFileException
                            ? "no such file" : e.getMessage())));
            return null;
        }
        if (!file.getFileName().toString().endsWith(".py")) {
            problems.add(new Problem(includedAt != null ? includedAt : new Loc(shown, 0), shown
                    + ": expected an EasyCV python config (.py)"));
            return null;
        }
        PyConfigParser.Result parsed = PyConfigParser.parse(shown, source);
        problems.addAll(parsed.problems());
        used.addAll(parsed.used());
        Map<String, PyValue> own = new LinkedHashMap<>(parsed.names());
        PyValue base = own.remove("_base_");
        if (base == null) {
            return new Dict(own, new Loc(shown, 1));
        }
        List<Str> baseFiles = new ArrayList<>();
        if (base instanceof Str s) {
            baseFiles.add(s);
        } else if (base instanceof PyList l && l.items().stream().allMatch(Str.class::isInstance)) {
            l.items().forEach(v -> baseFiles.add((Str) v));
        } else {
            problems.add(new Problem(base.loc(), "_base_: expected a path or a list of paths, found a "
                    + PyValue.typeOf(base)));
            return new Dict(own, new Loc(shown, 1));
        }
        List<Path> next = new ArrayList<>(chain);
        next.add(file);
        Map<String, PyValue> merged = new LinkedHashMap<>();
        for (Str b : baseFiles) {
            Optional<Path> path = resolve(file, b.value());
            if (path.isEmpty()) {
                problems.add(new Problem(b.loc(), "_base_ file " + b.value() + " not found"
                        + (isRootRelative(b.value()) ? " (paths starting with configs/ or benchmarks/ are taken from "
                        + "the EasyCV repository root: pass --easycv-root)" : " next to " + shown)));
                continue;
            }
            Dict d = file(path.get(), next, b.loc());
            if (d == null) {
                continue;
            }
            for (String k : d.map().keySet()) {
                if (merged.containsKey(k)) {
                    problems.add(new Problem(b.loc(), "duplicate key '" + k + "' among the _base_ files (EasyCV "
                            + "rejects it too)"));
                }
            }
            merged.putAll(d.map());
        }
        return mergeInto(new Dict(own, new Loc(shown, 1)), new Dict(merged, new Loc(shown, 1)));
    }

    private static boolean isRootRelative(String p) {
        return p.startsWith("configs/") || p.startsWith("benchmarks/");
    }

    private Optional<Path> resolve(Path including, String name) {
        if (isRootRelative(name)) {
            if (easycvRoot.isPresent()) {
                Path p = easycvRoot.get().resolve(name).normalize();
                return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
            }
            for (Path dir = including.getParent(); dir != null; dir = dir.getParent()) {
                Path p = dir.resolve(name).normalize();
                if (Files.isRegularFile(p)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
        Path p = including.getParent().resolve(name).normalize();
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** mmcv's {@code Config._merge_a_into_b(a, b)}: a new dict, b's key order with a's new keys appended. */
    private Dict mergeInto(Dict a, Dict b) {
        Map<String, PyValue> out = new LinkedHashMap<>(b.map());
        for (Map.Entry<String, PyValue> e : a.map().entrySet()) {
            String k = e.getKey();
            PyValue v = e.getValue();
            if (v instanceof Dict d && out.containsKey(k) && !deletes(d)) {
                if (out.get(k) instanceof Dict bd) {
                    out.put(k, mergeInto(d, bd));
                } else {
                    problems.add(new Problem(d.loc(), k + " is a dict here but a " + PyValue.typeOf(out.get(k))
                            + " in the _base_ file (" + out.get(k).loc() + "): set _delete_=True to replace it"));
                    out.put(k, d);
                }
            } else {
                out.put(k, v); // a _delete_ left in it is removed at the end
            }
        }
        return new Dict(out, a.loc());
    }

    private static boolean deletes(Dict d) {
        return d.get("_delete_") instanceof Bool b && b.value();
    }

    /** Removes {@code _delete_} keys that mmcv leaves in dicts with nothing to replace. */
    private static Dict stripDelete(Dict d) {
        boolean changed = false;
        Map<String, PyValue> m = new LinkedHashMap<>();
        for (Map.Entry<String, PyValue> e : d.map().entrySet()) {
            if (e.getKey().equals("_delete_")) {
                changed = true;
                continue;
            }
            PyValue v = e.getValue();
            PyValue s = v instanceof Dict c ? stripDelete(c) : v;
            changed |= s != v;
            m.put(e.getKey(), s);
        }
        return changed ? new Dict(m, d.loc()) : d;
    }

    private static String display(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
    }
}
