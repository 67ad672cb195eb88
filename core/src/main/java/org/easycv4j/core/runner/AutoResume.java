package org.easycv4j.core.runner;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.easycv4j.core.checkpoint.CheckpointState;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.config.ConfigLoader;
import org.easycv4j.core.config.ConfigValidationException;

/**
 * {@code auto_resume = true} ({@code tools/train --auto-resume}): which checkpoint of the work dir a run continues
 * from, so that a job requeued with the same command line picks up where it was stopped.
 *
 * <p>The checkpoint is the one {@code latest_checkpoint} names (it is written after the folder is complete, and
 * names the newest of the run's own line even when an earlier checkpoint was resumed by hand, which the highest
 * iteration count would not); without that file, the folder with the most iterations. Temporary folders of an
 * interrupted write ({@code .iter_40.*.tmp}) are never candidates. A work dir without any checkpoint starts
 * afresh. Refused, with one line: a checkpoint-like entry that is not a readable checkpoint folder of this
 * trainer, and a checkpoint written with another setting of a key in {@link #MUST_MATCH}.
 */
public final class AutoResume {
    /**
     * The keys that make a checkpoint another run's when they differ: what is trained (model, training data and
     * its pipeline, seed) and how (optimizer, its schedule and step settings, precision). Free to differ:
     * {@code total_epochs} (a run may be extended; the schedule then follows the new length), {@code data.imgs_per_gpu}
     * (resume across world sizes; a mid-epoch checkpoint checks the global batch itself), logging, checkpoint and
     * evaluation settings, {@code custom_hooks}, {@code device}, {@code work_dir}, {@code data.workers_per_gpu} (the
     * batches are the same for any number of workers).
     */
    public static final List<String> MUST_MATCH = List.of("seed", "model", "data.train", "data.drop_last",
            "data.use_repeated_augment_sampler", "optimizer", "optimizer_config", "lr_config", "param_scheduler", "amp",
            "amp_config", "fp16");

    private static final Pattern OURS = Pattern.compile("(epoch|iter)_\\d+|best_.+_epoch_\\d+");
    /** Names other trainers give checkpoints (EasyCV / mmcv: epoch_10.pth, latest.pth, iter_500.pth, best_*.pth). */
    private static final Pattern CHECKPOINT_LIKE = Pattern.compile("(?i)(epoch|iter)_\\d+.*|latest.*|best.*");

    private AutoResume() {}

    /** A checkpoint chosen to resume from, and its state. */
    public record Choice(Path checkpoint, CheckpointState state) {}

    /**
     * The name of a checkpoint folder of this trainer in {@code workDir} (the first in name order), or
     * {@code latest_checkpoint} when only that is left; empty when the work dir holds no run to continue.
     */
    public static Optional<String> earlierRun(Path workDir) throws IOException {
        if (!Files.isDirectory(workDir)) {
            return Optional.empty();
        }
        Optional<String> found;
        try (java.util.stream.Stream<Path> children = Files.list(workDir)) {
            found = children.filter(p -> OURS.matcher(p.getFileName().toString()).matches()
                            && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            && Files.isRegularFile(p.resolve(Checkpoints.STATE)))
                    .map(p -> p.getFileName().toString()).sorted().findFirst();
        }
        if (found.isEmpty() && Files.isRegularFile(workDir.resolve(CheckpointHook.LATEST))) {
            found = Optional.of(CheckpointHook.LATEST);
        }
        return found;
    }

    /**
     * The checkpoint to resume from, empty when the work dir holds none.
     *
     * @param current this run's resolved configuration
     * @throws IllegalArgumentException with one line when the work dir holds something that cannot be resumed
     */
    public static Optional<Choice> find(Path workDir, Config current) {
        if (!Files.isDirectory(workDir)) {
            return Optional.empty();
        }
        List<Path> ours = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(workDir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (OURS.matcher(name).matches() && Files.isDirectory(p)) {
                    ours.add(p);
                } else if (!name.equals(CheckpointHook.LATEST) && CHECKPOINT_LIKE.matcher(name).matches()) {
                    throw new IllegalArgumentException("auto_resume: " + p + " is not a checkpoint folder of this "
                            + "trainer (EasyCV and mmcv save such files); move it out of the work dir, or start from its "
                            + "weights with load_from");
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("auto_resume: cannot list the work dir " + workDir + ": " + e.getMessage());
        }
        List<Choice> readable = new ArrayList<>();
        for (Path p : ours) {
            readable.add(new Choice(p, state(p)));
        }
        Optional<Choice> chosen;
        Path latest = workDir.resolve(CheckpointHook.LATEST);
        if (Files.exists(latest)) {
            String name = readLatest(latest);
            chosen = readable.stream().filter(c -> c.checkpoint().getFileName().toString().equals(name)).findFirst();
            if (chosen.isEmpty()) {
                throw new IllegalArgumentException("auto_resume: " + latest + " names \"" + name + "\", which is not a "
                        + "checkpoint folder in " + workDir + "; point it at one (e.g. the newest epoch_N) or remove it");
            }
        } else {
            chosen = readable.stream().filter(c -> !c.checkpoint().getFileName().toString().startsWith("best_"))
                    .max(Comparator.comparingLong((Choice c) -> c.state().iter()));
        }
        if (chosen.isPresent()) {
            requireComplete(chosen.get().checkpoint());
            requireSameRun(chosen.get().checkpoint(), current);
        }
        return chosen;
    }

    /**
     * {@code resume_from} as given, or for a work dir (a folder holding {@code latest_checkpoint} and no
     * {@code state.json} of its own) the checkpoint {@code latest_checkpoint} names: what that file is written for.
     */
    static Path followLatest(Path resumeFrom) {
        Path latest = resumeFrom.resolve(CheckpointHook.LATEST);
        if (Files.isDirectory(resumeFrom) && !Files.exists(resumeFrom.resolve(Checkpoints.STATE))
                && Files.isRegularFile(latest)) {
            return resumeFrom.resolve(readLatest(latest));
        }
        return resumeFrom;
    }

    private static String readLatest(Path latest) {
        try {
            String name = Files.readString(latest).strip();
            if (name.isEmpty() || name.contains("/") || name.contains("\n")) {
                throw new IllegalArgumentException("auto_resume: " + latest + " does not hold a checkpoint folder name "
                        + "(got \"" + name.lines().findFirst().orElse("") + "\"); remove it or write the newest "
                        + "epoch_N into it");
            }
            return name;
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException("auto_resume: " + latest + " is not text: not written by this trainer; "
                    + "remove it");
        } catch (IOException e) {
            throw new IllegalArgumentException("auto_resume: cannot read " + latest + ": " + e.getMessage());
        }
    }

    private static CheckpointState state(Path checkpoint) {
        try {
            // readState checks the file's format first (Checkpoints.readJson).
            return Checkpoints.readState(checkpoint);
        } catch (IOException | RuntimeException e) {
            throw unreadable(checkpoint, e.getMessage());
        }
    }

    private static void requireComplete(Path checkpoint) {
        for (String file : List.of(Checkpoints.MODEL, Checkpoints.OPTIMIZER)) {
            if (!Files.isRegularFile(checkpoint.resolve(file))) {
                throw unreadable(checkpoint, "it has no " + file);
            }
        }
    }

    private static IllegalArgumentException unreadable(Path checkpoint, String why) {
        return new IllegalArgumentException("auto_resume: " + checkpoint + " is not a readable checkpoint (" + why
                + "); move it out of the work dir, or set another work_dir");
    }

    /** Refuses a checkpoint whose stored configuration differs from {@code current} in a key of {@link #MUST_MATCH}. */
    static void requireSameRun(Path checkpoint, Config current) {
        Config stored;
        try {
            stored = ConfigLoader.parseStored(Checkpoints.readConfig(checkpoint),
                    checkpoint.resolve(Checkpoints.STATE).toString());
        } catch (IOException | ConfigException | ConfigValidationException e) {
            throw unreadable(checkpoint, "its stored configuration: " + e.getMessage());
        }
        // Both through the same rendering, so that numbers and lists compare by value, not by how they were written.
        Config here = ConfigLoader.parseStored(
                ConfigLoader.render(current), "the current configuration");
        // A checkpoint written before a key existed recorded its default: reference.conf's value.
        Config defaults = ConfigFactory.parseResources(AutoResume.class.getClassLoader(), "reference.conf")
                .resolve(ConfigResolveOptions.noSystem().setAllowUnresolved(true));
        List<String> diffs = new ArrayList<>();
        for (String key : MUST_MATCH) {
            ConfigValue there = value(stored, key);
            if (there == null && !stored.hasPathOrNull(key)) {
                there = value(defaults, key);
            }
            diff(key, there, value(here, key), diffs);
        }
        if (diffs.isEmpty()) {
            return;
        }
        String shown = String.join("; ", diffs.subList(0, Math.min(3, diffs.size())))
                + (diffs.size() > 3 ? "; and " + (diffs.size() - 3) + " more" : "");
        throw new IllegalArgumentException("auto_resume: " + checkpoint + " was written by another configuration ("
                + shown + "); use another work_dir, or pass it as resume_from to continue it with this configuration");
    }

    private static ConfigValue value(Config c, String key) {
        return c.hasPathOrNull(key) && !c.getIsNull(key) ? c.getValue(key) : null;
    }

    /** Adds a line per differing leaf of {@code a} (stored) and {@code b} (this run) under {@code path}. */
    private static void diff(String path, ConfigValue a, ConfigValue b, List<String> out) {
        if (a != null && b != null && a.valueType() == ConfigValueType.OBJECT && b.valueType() == ConfigValueType.OBJECT) {
            ConfigObject x = (ConfigObject) a;
            ConfigObject y = (ConfigObject) b;
            java.util.TreeSet<String> keys = new java.util.TreeSet<>(x.keySet());
            keys.addAll(y.keySet());
            for (String k : keys) {
                diff(path + "." + com.typesafe.config.ConfigUtil.quoteString(k).replaceAll("^\"([A-Za-z0-9_-]+)\"$", "$1"),
                        nonNull(x.get(k)), nonNull(y.get(k)), out);
            }
            return;
        }
        Object u = a == null ? null : a.unwrapped();
        Object v = b == null ? null : b.unwrapped();
        if (!Objects.equals(u, v)) {
            out.add(path + ": " + show(a) + " there, " + show(b) + " here");
        }
    }

    private static ConfigValue nonNull(ConfigValue v) {
        return v == null || v.valueType() == ConfigValueType.NULL ? null : v;
    }

    private static String show(ConfigValue v) {
        if (v == null) {
            return "unset";
        }
        String s = v.render(com.typesafe.config.ConfigRenderOptions.concise());
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
