package org.easycv4j.tools;

import com.typesafe.config.ConfigUtil;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.core.runner.Runner;
import org.easycv4j.core.runner.StopSignals;
import org.easycv4j.core.runner.WorkDirLock;
import org.easycv4j.core.runner.hooks.TextLoggerHook;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tools/train CONFIG [--work-dir DIR] [--resume-from CKPT | --auto-resume] [--load-from CKPT] [--seed N]
 * [--set key=value]... [--launcher NAME] [--dry-run]}. Exits with {@link StopSignals#EXIT_STATUS} when SIGTERM
 * or SIGUSR1 stopped the run after it saved a checkpoint to resume from.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train from an experiment config. Checks the whole config first and reports every problem.",
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:trained (or, with --auto-resume, nothing left to train)", "1:an internal error",
            "2:a config, data file, checkpoint or option to fix",
            "75:stopped by SIGTERM or SIGUSR1 after saving a checkpoint to resume from (docs/distributed.md)"})
public final class TrainCommand implements Callable<Integer>, Main.HasRunLog {

    @Mixin
    ExperimentArgs experiment;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "output folder (overrides work_dir)")
    Path workDir;

    @Option(names = "--seed", paramLabel = "N", description = "random seed (overrides seed)")
    Long seed;

    @Option(names = "--resume-from", paramLabel = "CKPT",
            description = "continue a run from a checkpoint folder (weights, optimizer state, epoch), or from a work dir: the checkpoint its latest_checkpoint names")
    Path resumeFrom;

    @Option(names = "--auto-resume",
            description = "continue from the newest checkpoint in the work dir (one a stop signal left mid-epoch "
                    + "included) when it holds one, else start afresh; sets auto_resume. For jobs that are requeued "
                    + "with the same command line")
    boolean autoResume;

    @Option(names = "--load-from", paramLabel = "CKPT",
            description = "start from a checkpoint's weights (a folder or .safetensors), at epoch 1")
    Path loadFrom;

    @Option(names = {"--amp", "--fp16"}, paramLabel = "TYPE", arity = "0..1", fallbackValue = "fp16",
            description = "mixed precision: fp16 (matrix products in float16, dynamic loss scaling), bf16 (in "
                    + "bfloat16, no loss scaling) or none; overrides amp. --fp16 is EasyCV's spelling")
    String amp;

    @Option(names = "--launcher", paramLabel = "NAME", defaultValue = "none",
            description = "none, mpi or a launcher a plugin registers (tools/list launcher); mpi: this process is one rank of a data-parallel job started by mpirun, srun --mpi=pmix "
                    + "or an MPIJob (one process per device, imgs_per_gpu images each); default: ${DEFAULT-VALUE}")
    String launcher;

    @Option(names = "--dry-run", description = "build every component and initialize the model, then stop")
    boolean dryRun;

    /** Known once the config is loaded. */
    private Path runDir;

    @Override
    public Integer call() throws Exception {
        if (autoResume && resumeFrom != null) {
            System.err.println("error: --auto-resume and --resume-from exclude each other: --auto-resume continues "
                    + "from the newest checkpoint in the work dir, --resume-from from the one it names");
            return Main.USER_ERROR;
        }
        ExperimentLoader.Loaded loaded = experiment.load(overrides());
        runDir = loaded.experiment().workDir();
        Optional<Collective> collective = RankJob.connect(launcher);
        if (collective.isEmpty()) {
            return Main.USER_ERROR;
        }
        try {
            return RankJob.run(collective.get(), "", c -> {
                Runner.TrainResult result = new Runner(loaded.experiment(), loaded.config(),
                        experiment.commandLine("train"), experiment.config, c).train(dryRun);
                return result.stopped() ? StopSignals.EXIT_STATUS : 0;
            });
        } catch (WorkDirLock.Refused e) {
            // That work dir's train.log is another run's: the refusal's trace does not belong there.
            runDir = null;
            throw e;
        }
    }

    @Override
    public Optional<Path> runLog() {
        return Optional.ofNullable(runDir).map(d -> d.resolve(TextLoggerHook.TEXT_LOG));
    }

    /** --work-dir, --seed, --resume-from and --load-from are overrides like --set, applied after them. */
    List<String> overrides() {
        List<String> all = new ArrayList<>();
        if (workDir != null) {
            all.add("work_dir=" + ConfigUtil.quoteString(workDir.toString()));
        }
        if (seed != null) {
            all.add("seed=" + seed);
        }
        if (resumeFrom != null) {
            all.add("resume_from=" + ConfigUtil.quoteString(resumeFrom.toString()));
        }
        if (autoResume) {
            all.add("auto_resume=true");
        }
        if (amp != null) {
            all.add("amp=" + ConfigUtil.quoteString(amp));
        }
        if (loadFrom != null) {
            all.add("load_from=" + ConfigUtil.quoteString(loadFrom.toString()));
        }
        return all;
    }
}
