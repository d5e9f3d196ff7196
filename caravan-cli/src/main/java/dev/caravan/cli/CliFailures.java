package dev.caravan.cli;

import dev.caravan.launch.DaemonOptions;
import dev.caravan.wire.CaravanException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.BindException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns what a command threw into one line on stderr and an exit code; no stack trace ever
 * reaches the user:
 * <ul>
 *   <li>{@link CaravanException}: {@code caravan: <message> [CODE]}, exit 1;</li>
 *   <li>an I/O failure of the user's making (a missing file or directory, no permission, a
 *       port in use, nobody listening): the file or address and what to do, exit 1;</li>
 *   <li>{@link InterruptedException}: exit 130; a daemon's usage error: exit 2;</li>
 *   <li>anything else is a bug: one line naming the command and the cause, the full trace
 *       written to {@code $TMPDIR/caravan-<pid>.trace} (and to stderr when
 *       {@code CARAVAN_LOG=debug}), exit 1.</li>
 * </ul>
 * Threading: stateless.
 */
final class CliFailures implements CommandLine.IExecutionExceptionHandler {
    static final int EXIT_ERROR = 1;
    static final int EXIT_INTERRUPTED = 130;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        int code = report(e, cmd.getCommandSpec().qualifiedName(), err);
        err.flush();
        return code;
    }

    static int report(Throwable thrown, String command, PrintWriter err) {
        Throwable t = unwrap(thrown);
        if (t instanceof CaravanException ce) {
            err.println("caravan: " + ce.getMessage() + " [" + ce.code() + "]");
            return EXIT_ERROR;
        }
        if (t instanceof InterruptedException) {
            return EXIT_INTERRUPTED;
        }
        if (t instanceof DaemonOptions.UsageException u) {
            // 'caravan naming' and 'caravan node' parse their own options: bad usage all the same.
            err.println("caravan: " + u.getMessage() + " (see '" + command + " --help')");
            return UsageErrors.EXIT_USAGE;
        }
        Optional<String> userError = userIoError(t);
        if (userError.isPresent()) {
            err.println("caravan: " + userError.get());
            return EXIT_ERROR;
        }
        String where = traceFile(t);
        err.println("caravan: " + command + " failed: " + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()) + " — this is a bug; " + where);
        if ("debug".equalsIgnoreCase(System.getenv("CARAVAN_LOG"))) {
            t.printStackTrace(err);
        }
        return EXIT_ERROR;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException
                || t instanceof java.io.UncheckedIOException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The one-line text of an I/O failure the user can fix, or empty when it looks like a bug. */
    static Optional<String> userIoError(Throwable t) {
        if (t instanceof NoSuchFileException f) {
            return Optional.of("cannot use " + f.getFile() + ": no such file or directory" + other(f) + "; check the path");
        }
        if (t instanceof AccessDeniedException f) {
            return Optional.of("cannot use " + f.getFile() + ": permission denied" + other(f)
                    + "; choose a path you may write or read");
        }
        if (t instanceof FileAlreadyExistsException f) {
            return Optional.of("cannot create " + f.getFile() + ": it exists; remove it or choose another path");
        }
        if (t instanceof NotDirectoryException f) {
            return Optional.of("cannot use " + f.getFile() + ": not a directory; give a directory");
        }
        if (t instanceof DirectoryNotEmptyException f) {
            return Optional.of("cannot remove " + f.getFile() + ": directory not empty");
        }
        if (t instanceof FileSystemException f) {
            return Optional.of("cannot use " + f.getFile() + ": " + (f.getReason() == null ? "file system error" : f.getReason()));
        }
        if (t instanceof BindException b) {
            return Optional.of("cannot listen: " + lower(b.getMessage())
                    + "; stop what uses the port (another 'caravan up'?) or choose another --port");
        }
        if (t instanceof ConnectException c) {
            return Optional.of("cannot connect: " + lower(c.getMessage()) + "; is the cluster up ('caravan up')?");
        }
        if (t instanceof java.io.FileNotFoundException f) {
            return Optional.of("cannot use " + f.getMessage());
        }
        return Optional.empty();
    }

    private static String other(FileSystemException f) {
        return f.getOtherFile() == null ? "" : " (" + f.getOtherFile() + ")";
    }

    private static String lower(String m) {
        return m == null ? "failed" : m.toLowerCase(Locale.ROOT);
    }

    /** Writes the trace to {@code $TMPDIR/caravan-<pid>.trace}; says where, or why it could not. */
    private static String traceFile(Throwable t) {
        StringWriter text = new StringWriter();
        t.printStackTrace(new PrintWriter(text));
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "caravan-" + ProcessHandle.current().pid() + ".trace");
        try {
            Files.writeString(file, text.toString());
            return "the full trace is in " + file;
        } catch (IOException e) {
            return "run with CARAVAN_LOG=debug to see the trace";
        }
    }
}
