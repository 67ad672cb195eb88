package org.easycv4j.tools;

import org.easycv4j.core.config.ComponentBuildException;
import org.easycv4j.core.config.ConfigValidationException;
import org.easycv4j.core.registry.RegistryException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code easycv4j} command line: one subcommand per launcher in {@code tools/}. */
@Command(name = "easycv4j", mixinStandardHelpOptions = true, version = "easycv4j 0.1.0",
        description = "Config-driven computer-vision training on the JVM.",
        subcommands = {TrainCommand.class, EvalCommand.class, ExportCommand.class, PredictCommand.class,
                ListCommand.class, PrepareDataCommand.class, BenchModelCommand.class,
                BenchDataCommand.class, BenchAllReduceCommand.class, PlotCommand.class, ReconstructCommand.class})
public final class Main {

    /** Exit code for a configuration or input the user must fix. */
    public static final int USER_ERROR = 2;

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.exit(run(args));
    }

    /** Runs a command line and returns the exit code (used by tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigValidationException || e instanceof ComponentBuildException
                    || e instanceof RegistryException) {
                cmd.getErr().println("error: " + e.getMessage());
                cmd.getErr().flush();
                return USER_ERROR;
            }
            throw e;
        });
        return cl.execute(args);
    }
}
