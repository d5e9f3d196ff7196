package dev.caravan.cli.bench;

import dev.caravan.wire.ErrorCode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code redis-benchmark} against a RESP endpoint and parses its CSV output.
 * One result per test (GET, SET, ...).
 */
public final class RedisBenchmark {
    /**
     * One line of redis-benchmark's CSV: throughput and latency percentiles in ms.
     *
     * @param test  the test's first word, upper case ({@code LPUSH})
     * @param label the test's whole name as redis-benchmark prints it ({@code LPUSH (needed to benchmark LRANGE)})
     */
    public record Result(String test, double opsPerSec, double avgMs, double p50Ms, double p99Ms, double maxMs, String label) {
    }

    private RedisBenchmark() {
    }

    /** The redis-benchmark binary on PATH, if any. */
    public static Optional<String> binary() {
        return Tools.onPath("redis-benchmark");
    }

    /**
     * Runs {@code redis-benchmark -h host -p port -t tests -c clients -n requests [-P pipeline] --csv}.
     *
     * @throws dev.caravan.wire.CaravanException UNAVAILABLE if it fails or reports errors
     */
    public static List<Result> run(String host, int port, String tests, int clients, int requests, int pipeline,
                                   int valueBytes, long timeoutMs) throws IOException, InterruptedException {
        String bin = binary().orElseThrow(() -> ErrorCode.NOT_FOUND.exception(
                "redis-benchmark is not installed (Debian package redis-tools)"));
        List<String> cmd = new ArrayList<>(List.of(bin, "-h", host, "-p", String.valueOf(port), "-t", tests,
                "-c", String.valueOf(clients), "-n", String.valueOf(requests), "-d", String.valueOf(valueBytes),
                "-r", "100000", "--csv"));
        if (pipeline > 1) {
            cmd.add("-P");
            cmd.add(String.valueOf(pipeline));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        }
        if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw ErrorCode.TIMEOUT.exception("redis-benchmark did not finish within " + timeoutMs + " ms");
        }
        List<Result> results = parseCsv(lines);
        if (p.exitValue() != 0 || results.isEmpty()) {
            throw ErrorCode.UNAVAILABLE.exception("redis-benchmark failed (exit " + p.exitValue() + "): "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
        }
        for (String l : lines) {
            if (l.contains("Error") || l.contains("ERR")) {
                throw ErrorCode.UNAVAILABLE.exception("redis-benchmark reported an error: " + l);
            }
        }
        return results;
    }

    /** Parses redis-benchmark 6/7 CSV output, skipping its header line. */
    public static List<Result> parseCsv(List<String> lines) {
        List<Result> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.replace("\"", "").split(",");
            if (f.length < 2 || f[0].equals("test")) {
                continue;
            }
            try {
                double rps = Double.parseDouble(f[1]);
                double avg = f.length > 2 ? Double.parseDouble(f[2]) : Double.NaN;
                double p50 = f.length > 4 ? Double.parseDouble(f[4]) : Double.NaN;
                double p99 = f.length > 6 ? Double.parseDouble(f[6]) : Double.NaN;
                double max = f.length > 7 ? Double.parseDouble(f[7]) : Double.NaN;
                String test = f[0].split(" ")[0].toUpperCase(Locale.ROOT);
                out.add(new Result(test, rps, avg, p50, p99, max, f[0]));
            } catch (NumberFormatException e) {
                // A progress or warning line, not a result.
            }
        }
        return out;
    }
}
