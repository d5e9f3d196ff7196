package dev.caravan.systemtests.clients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One line per check, "PASS name detail" or "FAIL name detail", exactly as the client scripts in {@code clients/}
 * print them, so that Java and script results read and are asserted alike.
 *
 * <p>Each check has a deadline; after one check missed it, the connection is out of step and every later check is
 * reported as failed without running. Not thread-safe: one test thread runs the checks.
 */
final class CheckReport implements AutoCloseable {
    /** The checklist every client runs (clients/README.md). */
    static final List<String> CHECKLIST = List.of("connect", "set-get", "binary", "pipeline", "transaction",
            "transaction-watch", "expire-ttl", "hash", "list");
    /** The checks of a run across a migration, after the checklist and before running it again. */
    static final List<String> ACROSS_MOVE = List.of("client-id", "writes-during-move", "writes-counted-once",
            "connection-kept", "data-kept");
    private static final Duration CHECK_DEADLINE = Duration.ofSeconds(10);
    /** Longer for the first connection: it loads the library (Lettuce's first connect takes seconds on a busy machine). */
    private static final Duration CONNECT_DEADLINE = Duration.ofSeconds(30);

    private final List<String> lines = new ArrayList<>();
    private final ExecutorService runner = Executors.newVirtualThreadPerTaskExecutor();
    private String timedOut;

    /** The checklist's names, with "auth" when the target has a password. */
    static List<String> checklist(boolean withPassword) {
        List<String> names = new ArrayList<>(CHECKLIST);
        if (withPassword) {
            names.add("auth");
        }
        return names;
    }

    /**
     * Runs {@code body} (which returns a detail or throws) within the deadline and records its line.
     *
     * @return whether it passed
     */
    boolean check(String name, Callable<String> body) {
        if (timedOut != null) {
            lines.add("FAIL " + name + " not run: check '" + timedOut + "' got no reply in time");
            return false;
        }
        Duration deadline = name.equals("connect") ? CONNECT_DEADLINE : CHECK_DEADLINE;
        Future<String> f = runner.submit(body);
        try {
            lines.add("PASS " + name + " " + oneLine(f.get(deadline.toMillis(), TimeUnit.MILLISECONDS)));
            return true;
        } catch (TimeoutException e) {
            f.cancel(true);
            timedOut = name;
            lines.add("FAIL " + name + " no reply within " + deadline.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            lines.add("FAIL " + name + " " + cause.getClass().getSimpleName() + ": " + oneLine(causes(cause)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lines.add("FAIL " + name + " interrupted");
        }
        return false;
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Fails unless every expected check passed and none failed; the message lists every line. */
    static void assertAllPassed(String what, List<String> lines, Collection<String> expected) {
        String all = String.join("\n  ", lines);
        List<String> failed = lines.stream().filter(l -> l.startsWith("FAIL ")).toList();
        assertThat(failed).as("%s: %d check(s) failed:\n  %s", what, failed.size(), all).isEmpty();
        List<String> missing = expected.stream().filter(n -> lines.stream().noneMatch(l -> l.startsWith("PASS " + n + " ")))
                .toList();
        assertThat(missing).as("%s: checks that did not report PASS:\n  %s", what, all).isEmpty();
    }

    void assertAllPassed(String what, Collection<String> expected) {
        assertAllPassed(what, lines, expected);
    }

    private static String causes(Throwable t) {
        StringBuilder sb = new StringBuilder(String.valueOf(t.getMessage()));
        for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
            if (String.valueOf(c.getMessage()).equals(String.valueOf(t.getMessage()))) {
                continue;
            }
            sb.append(" <- ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return sb.toString();
    }

    private static String oneLine(String s) {
        return String.join(" ", String.valueOf(s).strip().split("\\s+"));
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}
