package org.easycv4j.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code easycv4j} command line: one subcommand per launcher in {@code tools/}. */
@Command(name = "easycv4j", mixinStandardHelpOptions = true, version = "easycv4j 0.1.0",
        description = "Config-driven computer-vision training on the JVM.",
        footer = "Any command accepts --debug: errors then print their Java stack trace.",
        subcommands = {TrainCommand.class, EvalCommand.class, ExportCommand.class, PredictCommand.class,
                ListCommand.class, PrepareDataCommand.class, BenchModelCommand.class,
                BenchDataCommand.class, BenchAllReduceCommand.class, PlotCommand.class, ReconstructCommand.class,
                EnvCommand.class, GpuCheckCommand.class, SweepCommand.class, PixelBaselineCommand.class, ConvertConfigCommand.class,
                MakeShardsCommand.class})
public final class Main {

    /** Exit code for a configuration or input the user must fix. */
    public static final int USER_ERROR = CliErrors.USER_ERROR;
    /** Exit code of a training stopped by SIGTERM / SIGUSR1 once its resume checkpoint is written (75). */
    public static final int STOPPED = org.easycv4j.core.runner.StopSignals.EXIT_STATUS;
    /** The option, accepted anywhere on the command line, that shows stack traces on the terminal. */
    static final String DEBUG = "--debug";

    /** A command that writes a run log, where a failure's stack trace is appended. */
    interface HasRunLog {
        /** The run's log file once the run has one. */
        Optional<Path> runLog();
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        boolean debug = List.of(args).contains(DEBUG);
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            System.err.println("error: in thread " + thread.getName() + ": " + CliErrors.message(e));
            if (debug) {
                e.printStackTrace();
            }
        });
        System.exit(run(args));
    }

    /** Runs a command line and returns the exit code (used by tests). */
    public static int run(String... args) {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean debug = rest.remove(DEBUG);
        while (rest.remove(DEBUG)) {
            // given twice: still one flag
        }
        CommandLine cl = new CommandLine(new Main());
        shareVersion(cl, cl.getCommandSpec().version());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> report(e, cmd, debug));
        cl.setParameterExceptionHandler(Main::reportUsage);
        return cl.execute(rest.toArray(String[]::new));
    }

    /** Every command's -V prints the tools' version: picocli gives a subcommand without its own an empty line. */
    private static void shareVersion(CommandLine cl, String[] version) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().version().length == 0) {
                sub.getCommandSpec().version(version);
            }
            shareVersion(sub, version);
        }
    }

    /** A mistyped command line: the one problem and where the options are listed, not the whole usage text. */
    private static int reportUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        var err = cmd.getErr();
        err.println("error: " + e.getMessage());
        err.println("  the options: tools/" + cmd.getCommandName() + " --help");
        err.flush();
        return CliErrors.USER_ERROR;
    }

    /** One message and an exit code; the stack trace to the run's log, or to the terminal with --debug. */
    private static int report(Exception e, CommandLine cmd, boolean debug) {
        boolean user = CliErrors.isUserError(e);
        var err = cmd.getErr();
        err.println("error: " + CliErrors.message(e));
        Optional<Path> log = cmd.getCommand() instanceof HasRunLog h ? h.runLog() : Optional.empty();
        if (debug) {
            err.print(CliErrors.stackTrace(e));
        } else {
            Optional<Path> written = log.filter(l -> appendTrace(l, e));
            if (!user) {
                err.println(written.map(l -> "  an internal error: its Java stack trace is in " + l
                        + "; please report it").orElse("  an internal error: run again with --debug for its Java "
                        + "stack trace and please report it"));
            }
        }
        err.flush();
        return user ? CliErrors.USER_ERROR : CliErrors.INTERNAL_ERROR;
    }

    private static boolean appendTrace(Path log, Exception e) {
        if (!Files.isDirectory(log.toAbsolutePath().getParent())) {
            return false;
        }
        try (java.io.BufferedWriter w = org.easycv4j.core.util.AtomicFiles.openAppend(log)) {
            w.write(Instant.now() + " ERROR " + CliErrors.stackTrace(e));
            return true;
        } catch (IOException io) {
            return false;
        }
    }
}
