package dev.caravan.cli.bench.kv;

import dev.caravan.cli.bench.RedisBenchmark;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * redis-benchmark's default test list (no {@code -t}), as redis-benchmark 7 runs it:
 *
 * <pre>
 * PING_INLINE PING_MBULK SET GET INCR LPUSH RPUSH LPOP RPOP SADD HSET SPOP ZADD ZPOPMIN
 * LPUSH (needed to benchmark LRANGE) LRANGE_100 LRANGE_300 LRANGE_500 LRANGE_600 MSET
 * </pre>
 *
 * redis-benchmark exits at the first error reply ({@code Error from server: ...}, exit code 1),
 * so a test that fails would hide every test after it: the failing test is recorded with the
 * error and the run goes on with {@code -t} naming the tests after it, until the list is done.
 */
public final class DefaultSuite {
    /** The default list in order: the label's first words as redis-benchmark prints them, and each test's -t name. */
    public static final List<String[]> TESTS = List.of(
            new String[] {"PING_INLINE", "ping_inline"}, new String[] {"PING_MBULK", "ping_mbulk"},
            new String[] {"SET", "set"}, new String[] {"GET", "get"}, new String[] {"INCR", "incr"},
            new String[] {"LPUSH", "lpush"}, new String[] {"RPUSH", "rpush"}, new String[] {"LPOP", "lpop"},
            new String[] {"RPOP", "rpop"}, new String[] {"SADD", "sadd"}, new String[] {"HSET", "hset"},
            new String[] {"SPOP", "spop"}, new String[] {"ZADD", "zadd"}, new String[] {"ZPOPMIN", "zpopmin"},
            new String[] {"LPUSH (needed to benchmark LRANGE)", "lrange"}, new String[] {"LRANGE_100", "lrange_100"},
            new String[] {"LRANGE_300", "lrange_300"}, new String[] {"LRANGE_500", "lrange_500"},
            new String[] {"LRANGE_600", "lrange_600"}, new String[] {"MSET", "mset"});

    /** What one run of the list gave: ops/s per test (by {@link #key} name), and the tests that got an error reply. */
    public record Outcome(Map<String, Double> opsPerSec, Map<String, String> errors) {
    }

    private DefaultSuite() {
    }

    /** The short name of a test in tables and JSON: {@code LPUSH (needed to benchmark LRANGE)} becomes {@code LPUSH_FOR_LRANGE}. */
    public static String key(String label) {
        if (label.startsWith("LPUSH (needed")) {
            return "LPUSH_FOR_LRANGE";
        }
        return label.split(" ")[0].toUpperCase(Locale.ROOT);
    }

    /**
     * Runs the list: {@code redis-benchmark -h host -p port -c clients -n requests -r keyspace [-P pipeline] --csv}.
     *
     * @throws dev.caravan.wire.CaravanException UNAVAILABLE when redis-benchmark fails other than by an error reply,
     *                                          TIMEOUT when a run exceeds {@code timeoutMs}
     */
    public static Outcome run(String host, int port, int clients, int requests, int keyspace, int pipeline, long timeoutMs)
            throws IOException, InterruptedException {
        String bin = RedisBenchmark.binary().orElseThrow(() -> ErrorCode.NOT_FOUND.exception(
                "redis-benchmark is not installed (Debian package redis-tools)"));
        Map<String, Double> ops = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        int next = 0;
        while (next < TESTS.size()) {
            List<String> cmd = new ArrayList<>(List.of(bin, "-h", host, "-p", String.valueOf(port), "-c", String.valueOf(clients),
                    "-n", String.valueOf(requests), "-r", String.valueOf(keyspace), "--csv"));
            if (pipeline > 1) {
                cmd.addAll(List.of("-P", String.valueOf(pipeline)));
            }
            if (next > 0) {
                List<String> rest = new ArrayList<>();
                for (String[] t : TESTS.subList(next, TESTS.size())) {
                    rest.add(t[1]);
                }
                cmd.addAll(List.of("-t", String.join(",", rest)));
            }
            Run r = exec(cmd, timeoutMs);
            for (RedisBenchmark.Result res : RedisBenchmark.parseCsv(r.stdout())) {
                ops.put(key(res.label()), res.opsPerSec());
            }
            next = firstMissing(ops, next);
            if (r.exitCode() == 0) {
                if (next < TESTS.size()) {
                    throw ErrorCode.UNAVAILABLE.exception("redis-benchmark ended without running " + TESTS.get(next)[0]);
                }
                break;
            }
            String error = r.stderr().stream().filter(l -> l.startsWith("Error from server")).findFirst().orElse(null);
            if (error == null || next >= TESTS.size()) {
                throw ErrorCode.UNAVAILABLE.exception("redis-benchmark failed (exit " + r.exitCode() + "): "
                        + String.join(" | ", r.stderr().subList(Math.max(0, r.stderr().size() - 3), r.stderr().size())));
            }
            // The LRANGE tests each rebuild their list first, so a failing LPUSH fails each of them in turn.
            errors.put(key(TESTS.get(next)[0]), error.trim());
            next++;
        }
        return new Outcome(ops, errors);
    }

    /** The index of the first test at or after {@code from} without a result. */
    private static int firstMissing(Map<String, Double> ops, int from) {
        int i = from;
        while (i < TESTS.size() && ops.containsKey(key(TESTS.get(i)[0]))) {
            i++;
        }
        return i;
    }

    private record Run(int exitCode, List<String> stdout, List<String> stderr) {
    }

    private static Run exec(List<String> cmd, long timeoutMs) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<List<String>> err = CompletableFuture.supplyAsync(() -> lines(p.getErrorStream()));
        List<String> out = lines(p.getInputStream());
        if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw ErrorCode.TIMEOUT.exception("redis-benchmark did not finish within " + timeoutMs + " ms");
        }
        try {
            return new Run(p.exitValue(), out, err.get());
        } catch (ExecutionException e) {
            throw new IOException("reading redis-benchmark's errors failed", e.getCause());
        }
    }

    private static List<String> lines(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of("(output unreadable: " + e.getMessage() + ")");
        }
    }
}
