package org.easycv4j.tools;

import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.easycv4j.core.config.ComponentBuildException;
import org.easycv4j.core.config.ConfigValidationException;
import org.easycv4j.core.registry.RegistryException;
import org.easycv4j.core.runner.NonFiniteLossException;
import org.easycv4j.data.source.TooManyBadSamplesException;

/**
 * Turns an exception that ended a command into the one line the user sees. Users meet our errors through the
 * launchers, where a Java stack trace is noise: the message names the file, line or key to fix, and the trace
 * goes to the run's log (or to the terminal with {@code --debug}).
 */
final class CliErrors {
    private CliErrors() {}

    /** Exit code for a configuration, data file or checkpoint the user must fix. */
    static final int USER_ERROR = 2;
    /** Exit code for anything else (a bug: the hint asks for the stack trace). */
    static final int INTERNAL_ERROR = 1;

    /** The exception that carries the message: wrappers of thread pools, reflection and Guice removed. */
    static Throwable root(Throwable e) {
        Throwable t = e;
        for (int depth = 0; depth < 20 && t.getCause() != null && isWrapper(t); depth++) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean isWrapper(Throwable t) {
        return t instanceof ExecutionException || t instanceof CompletionException
                || t instanceof InvocationTargetException || t instanceof UncheckedIOException
                || t instanceof ProvisionException || t instanceof CreationException
                // new XException(cause), made only to pass a cause on (DJL's TranslateException, a
                // RuntimeException around a checked one), has the cause's toString() as its message
                || (t.getCause() != null && String.valueOf(t.getMessage()).equals(t.getCause().toString()));
    }

    /** True when the user can fix the cause (config, data, checkpoint, a file), false for an internal error. */
    static boolean isUserError(Throwable e) {
        Throwable t = root(e);
        return t instanceof ConfigValidationException || t instanceof ComponentBuildException
                || t instanceof RegistryException || t instanceof TooManyBadSamplesException
                || t instanceof NonFiniteLossException || t instanceof IOException
                || t instanceof IllegalArgumentException;
    }

    /** The one-line (or, for a list of config problems, one-block) message, without any stack trace. */
    static String message(Throwable e) {
        Throwable t = root(e);
        if (t instanceof NoSuchFileException f) {
            return "no such file or folder: " + f.getFile();
        }
        if (t instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (t instanceof NotDirectoryException f) {
            return "not a folder: " + f.getFile();
        }
        if (t instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        String m = t.getMessage();
        if (t instanceof ProvisionException || t instanceof CreationException) {
            m = guiceMessage(t);
        }
        if (isUserError(t) && m != null && !m.isBlank()) {
            return m;
        }
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    private static String guiceMessage(Throwable t) {
        var messages = t instanceof ProvisionException p ? p.getErrorMessages() : ((CreationException) t).getErrorMessages();
        return messages.stream().map(Message::getMessage).findFirst().orElse(t.getMessage());
    }

    static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
