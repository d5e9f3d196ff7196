package dev.caravan.cli.bench.switching;

import dev.caravan.cli.bench.Tools;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs wrk 4 (Debian's {@code wrk}: closed loop, HTTP/1.1 keep-alive, no pipelining) for a fixed
 * duration with a Lua script whose {@code done()} prints one machine-readable line, and, for the
 * direct path, whose {@code setup(thread)} points each wrk thread at another backend (thread k at
 * {@code targets[k mod n]}), so the backends share the load as a round-robin balancer would
 * spread it. wrk gives each thread {@code connections ÷ threads} connections (rounded down): the
 * connections actually opened are reported.
 *
 * <p>Threading: stateless; {@link #run} blocks until wrk exits.
 */
public final class WrkRun {
    private static final Pattern LINE = Pattern.compile("CARAVAN-WRK requests=(\\d+) duration_us=(\\d+) connect=(\\d+) read=(\\d+)"
            + " write=(\\d+) status=(\\d+) timeout=(\\d+) p50_us=(\\d+) p99_us=(\\d+)");

    /**
     * wrk's figures.
     *
     * @param connections connections wrk opened (threads × ⌊connections ÷ threads⌋)
     * @param errors      connect + read + write errors, non-2xx/3xx replies and timeouts
     */
    public record Result(int threads, int connections, long requests, double durationSec, long errors, double p50Ms, double p99Ms) {
        public double requestsPerSec() {
            return requests / durationSec;
        }
    }

    private WrkRun() {
    }

    /** wrk on PATH, if installed. */
    public static Optional<String> binary() {
        return Tools.onPath("wrk");
    }

    /**
     * Runs {@code wrk -t threads -c connections -d seconds GET target[0]/path}.
     *
     * @param targets one target (a balancer) or several (direct: one per thread in turn)
     * @param scriptDir where the generated Lua script is written
     * @throws IOException when wrk fails or prints no result
     */
    public static Result run(List<InetSocketAddress> targets, String path, int threads, int connections, int seconds, Path scriptDir)
            throws IOException, InterruptedException {
        if (targets.isEmpty() || threads < 1 || connections < threads || seconds < 1) {
            throw new IllegalArgumentException("need a target, threads ≥ 1, connections ≥ threads, seconds ≥ 1");
        }
        Path script = scriptDir.resolve(targets.size() > 1 ? "wrk-spread.lua" : "wrk-one.lua");
        Files.createDirectories(scriptDir);
        Files.writeString(script, script(targets));
        InetSocketAddress first = targets.getFirst();
        List<String> cmd = List.of(binary().orElse("wrk"), "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--timeout", "5s",
                "-s", script.toString(), "http://" + first.getHostString() + ":" + first.getPort() + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wrk did not finish within " + (seconds + 30) + " s");
        }
        Matcher m = LINE.matcher(out);
        if (p.exitValue() != 0 || !m.find()) {
            throw new IOException("wrk failed (exit " + p.exitValue() + "): " + out.strip().replace('\n', ' '));
        }
        long errors = 0;
        for (int g = 3; g <= 7; g++) {
            errors += Long.parseLong(m.group(g));
        }
        return new Result(threads, threads * (connections / threads), Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) / 1e6,
                errors, Long.parseLong(m.group(8)) / 1000.0, Long.parseLong(m.group(9)) / 1000.0);
    }

    /** The Lua script: backends per thread when there are several, and the result line. */
    static String script(List<InetSocketAddress> targets) {
        StringBuilder b = new StringBuilder();
        if (targets.size() > 1) {
            b.append("-- caravan bench switch, direct path: wrk thread k connects to targets[k mod n]\n");
            b.append("local targets = {");
            for (InetSocketAddress t : targets) {
                b.append(String.format(Locale.ROOT, "{\"%s\", \"%d\"}, ", t.getHostString(), t.getPort()));
            }
            b.append("}\nlocal created = 0\n");
            b.append("function setup(thread)\n");
            b.append("  local t = targets[(created % #targets) + 1]\n");
            b.append("  created = created + 1\n");
            b.append("  thread.addr = wrk.lookup(t[1], t[2])[1]\n");
            b.append("end\n");
        }
        b.append("function done(summary, latency, requests)\n");
        b.append("  local e = summary.errors\n");
        b.append("  io.write(string.format(\"CARAVAN-WRK requests=%d duration_us=%d connect=%d read=%d write=%d status=%d"
                + " timeout=%d p50_us=%d p99_us=%d\\n\",\n");
        b.append("    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,"
                + " latency:percentile(50), latency:percentile(99)))\n");
        b.append("end\n");
        return b.toString();
    }
}
