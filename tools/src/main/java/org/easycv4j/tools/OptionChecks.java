package org.easycv4j.tools;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Range checks of numeric options, made before a command does any work: a batch size of 0 never advances,
 * a negative count would run no step and print figures of nothing. A failure is picocli's usage error (one line,
 * exit 2).
 */
final class OptionChecks {
    private OptionChecks() {}

    static void atLeast(CommandSpec spec, String option, long value, long min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + ": expected an integer >= " + min + ", got "
                    + value);
        }
    }
}
