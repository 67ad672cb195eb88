package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.easycv4j.tools.sweep.Grid;
import org.easycv4j.tools.sweep.Sweep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tools/sweep on the toy config: every combination, a chained run, a failure, an interruption and a re-run. */
class SweepCommandTest {
    private static final Path TOY = Path.of("..", "configs", "toy", "toy_mlp_synthetic.conf");

    @Test
    void gridValuesSplitOnTopLevelCommasOnly() {
        Grid g = Grid.parse(List.of("a=1,[2,3],\"x,y\"", "b.c={k=1,j=2},4"), List.of(0L, 1L));
        assertEquals(List.of("1", "[2,3]", "\"x,y\""), g.axes().get("a"));
        assertEquals(List.of("{k=1,j=2}", "4"), g.axes().get("b.c"));
        assertEquals(12, g.points().size());
        assertEquals(List.of("a=1", "b.c={k=1,j=2}", "seed=0"), g.points().get(0).overrides());
    }

    @Test
    void badArgumentsAreOneClearErrorBeforeAnyRun(@TempDir Path dir) {
        CliRun.Result grid = CliRun.run("sweep", TOY.toString(), "--grid", "optimizer.lr", "--out", dir.toString());
        assertEquals(Main.USER_ERROR, grid.code());
        assertTrue(grid.err().contains("--grid optimizer.lr: expected key=value1,value2"), grid.err());
        CliRun.Result then = CliRun.run("sweep", TOY.toString(), "--then", dir.resolve("missing.conf").toString(),
                "--out", dir.toString());
        assertEquals(Main.USER_ERROR, then.code());
        assertTrue(then.err().contains("no config file at") && then.err().contains("missing.conf"), then.err());
        CliRun.Result line = CliRun.run("sweep", TOY.toString(), "--plot-line", "pixels=high", "--out",
                dir.toString());
        assertEquals(Main.USER_ERROR, line.code());
        assertEquals("error: --plot-line: expected LABEL=NUMBER, got \"pixels=high\"", line.err().strip());
        assertFalse(Files.exists(dir.resolve(Sweep.CSV)), "nothing ran");
    }

    /** A stop request in the second point: the sweep ends with status 75 there, and the rerun continues it mid-epoch. */
    @Test
    void aStoppedSweepEndsWith75AndItsRerunContinuesTheStoppedRun(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sweep");
        List<String> args = new java.util.ArrayList<>(List.of("sweep", TOY.toString(), "--grid", "optimizer.lr=0.01,0.02",
                "--set", "total_epochs=2", "--set", "progress=off", "--set", "custom_hooks=[]",
                "--set", "modules=[\"" + StopTestModule.class.getName() + "\"]", "--out", out.toString()));
        List<String> stopping = new java.util.ArrayList<>(args);
        // Iteration 20 of each point; the first point stops first.
        stopping.addAll(List.of("--set", "custom_hooks=[{type = StopAt, iter = 20}]"));
        CliRun.Result first = CliRun.run(stopping.toArray(String[]::new));
        assertEquals(Main.STOPPED, first.code(), first.out() + first.err());
        assertTrue(first.out().contains("stopped by a signal after 21 iterations"), first.out());
        Path a = out.resolve("optimizer.lr=0.01_seed=0");
        assertFalse(Files.exists(a.resolve(Sweep.RESULT)), "not finished: no result");
        assertEquals("iter_21", Files.readString(a.resolve("latest_checkpoint")));
        assertFalse(Files.exists(out.resolve("optimizer.lr=0.02_seed=0")), "the next point did not start");

        CliRun.Result second = CliRun.run(args.toArray(String[]::new));
        assertEquals(0, second.code(), second.out() + second.err());
        assertTrue(second.out().contains("resuming from " + a.toAbsolutePath().normalize().resolve("iter_21")),
                second.out());
        assertEquals("ok", Sweep.readResult(a).get("status").getAsString());
        assertEquals("ok", Sweep.readResult(out.resolve("optimizer.lr=0.02_seed=0")).get("status").getAsString());
    }

    @Test
    void anInterruptedSweepRerunSkipsFinishedRunsAndReportsFailures(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sweep");
        String[] args = {"sweep", TOY.toString(), "--grid", "optimizer.lr=0.01,-1,0.03", "--set", "total_epochs=2",
            "--set", "progress=off", "--set", "checkpoint_config.interval=1", "--then", TOY.toString(),
            "--then-key", "load_from", "--then-seeds", "3,4", "--then-set", "total_epochs=1", "--then-set", "progress=off",
            "--plot-line", "a baseline=42.5", "--out", out.toString()};
        CliRun.Result first = CliRun.run(args);
        assertEquals(1, first.code(), "a failed combination makes the exit code 1: " + first.out() + first.err());
        assertTrue(first.out().contains("FAILED") && first.out().contains("the sweep goes on"), first.out());
        Path ok = out.resolve("optimizer.lr=0.01_seed=0");
        Path bad = out.resolve("optimizer.lr=-1_seed=0");
        Path cut = out.resolve("optimizer.lr=0.03_seed=0");
        assertEquals("ok", Sweep.readResult(ok).get("status").getAsString());
        assertEquals("failed", Sweep.readResult(bad).get("status").getAsString());
        assertTrue(Sweep.readResult(bad).get("error").getAsString().contains("lr"));
        // The chained run started from the main run's final checkpoint and has its own records.
        Path chained = ok.resolve("toy_mlp_synthetic_seed4");
        assertEquals("ok", Sweep.readResult(chained).get("status").getAsString());
        assertTrue(Files.readString(chained.resolve("config.resolved.conf")).contains("epoch_2"));
        assertEquals(4, com.google.gson.JsonParser.parseString(Files.readString(chained.resolve("provenance.json")))
                .getAsJsonObject().get("seed").getAsLong(), "one chained run per --then-seeds seed");
        assertEquals("ok", Sweep.readResult(ok.resolve("toy_mlp_synthetic_seed3")).get("status").getAsString());
        assertTrue(Files.isRegularFile(ok.resolve("provenance.json")));

        // Interrupt the last run during its second epoch: no result, no epoch_2.
        Files.delete(cut.resolve(Sweep.RESULT));
        org.easycv4j.core.checkpoint.Checkpoints.deleteTree(cut.resolve("epoch_2"));
        Files.writeString(cut.resolve("latest_checkpoint"), "epoch_1");
        double cutBefore = org.easycv4j.core.checkpoint.Checkpoints.readState(cut.resolve("epoch_1")).trainSeconds();
        assertTrue(cutBefore > 0, "a checkpoint records the wall time spent so far");
        FileTime okLog = Files.getLastModifiedTime(ok.resolve("metrics.jsonl"));
        String okMetrics = Files.readString(ok.resolve("metrics.jsonl"));
        Thread.sleep(20);

        CliRun.Result second = CliRun.run(args);
        assertEquals(1, second.code(), second.out());
        assertTrue(second.out().contains("optimizer.lr=0.01_seed=0: finished before, skipped"), second.out());
        assertTrue(second.out().contains("resuming from"), second.out());
        assertEquals(okMetrics, Files.readString(ok.resolve("metrics.jsonl")), "a finished run is not rerun");
        assertEquals(okLog, Files.getLastModifiedTime(ok.resolve("metrics.jsonl")));
        assertEquals("ok", Sweep.readResult(cut).get("status").getAsString());
        assertTrue(Files.isDirectory(cut.resolve("epoch_2")), "the interrupted run finished");
        // Its wall time is the whole run's: the part before the interruption (as its checkpoint recorded it)
        // plus the resumed part, which its last checkpoint also counts.
        double resumedPart = org.easycv4j.core.checkpoint.Checkpoints.readState(cut.resolve("epoch_2")).trainSeconds();
        assertTrue(resumedPart > cutBefore, resumedPart + " after " + cutBefore);
        assertTrue(Sweep.readResult(cut).get("wallSeconds").getAsDouble() >= resumedPart,
                Sweep.readResult(cut).toString());

        List<String> csv = Files.readAllLines(out.resolve(Sweep.CSV));
        assertEquals(4, csv.size(), "header + one row per combination: " + csv);
        List<String> header = List.of(csv.get(0).split(","));
        assertEquals(List.of("run", "optimizer.lr", "seed", "train.status", "train.wall_s"), header.subList(0, 5));
        assertTrue(header.contains("train.top1") && header.contains("toy_mlp_synthetic_seed3.top1")
                && header.contains("toy_mlp_synthetic_seed4.top1"), header.toString());
        String row = csv.stream().filter(l -> l.startsWith("optimizer.lr=0.01_seed=0,")).findFirst().orElseThrow();
        double top1 = Double.parseDouble(row.split(",")[header.indexOf("train.top1")]);
        assertTrue(top1 > 50, row);
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("optimizer.lr=-1_seed=0,-1,0,failed")), csv.toString());
        String md = Files.readString(out.resolve(Sweep.MARKDOWN));
        assertTrue(md.contains("| optimizer.lr=0.03_seed=0 | 0.03 | 0 | ok |"), md);
        assertTrue(md.contains("Not finished:") && md.contains("optimizer.lr=-1_seed=0 / train"), md);
        assertTrue(md.contains("Reference lines on the plot (measured outside the sweep): a baseline 42.50."), md);
        assertTrue(Files.size(out.resolve("sweep_optimizer.lr.png")) > 1000);
        assertFalse(Files.exists(bad.resolve("toy_mlp_synthetic_seed3")), "nothing chained after a failure");
    }
}
