package dev.caravan.systemtests.faults;

import dev.caravan.launch.net.TestHost;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks a RESP endpoint {@code GET key} again and again from inside a test host, on one connection,
 * every few milliseconds, until it answers with an error (such as {@code TRYAGAIN}) or time runs
 * out: when a cut-off node stopped answering, to within a few milliseconds, where {@link InHostProbe}
 * (a {@code redis-cli} per question) is off by its start-up. A small Python program runs in the
 * host's namespace; it stamps each question with {@code CLOCK_MONOTONIC}, the clock
 * {@link System#nanoTime()} reads on Linux, so its times compare with the test's. A question that
 * fails to connect or times out is noted and asked again on a new connection.
 */
final class InHostPoller implements AutoCloseable {
    private static final String PROGRAM = """
            import socket, sys, time
            host, port, key, interval, limit = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
            req = b"*2\\r\\n$3\\r\\nGET\\r\\n$%d\\r\\n%s\\r\\n" % (len(key), key.encode())
            end = time.monotonic() + limit
            s = None
            while time.monotonic() < end:
                sent = time.monotonic_ns()
                try:
                    if s is None:
                        s = socket.create_connection((host, port), timeout=0.5)
                        f = s.makefile("rb")
                    s.sendall(req)
                    line = f.readline().decode("utf-8", "replace").rstrip("\\r\\n")
                    if not line:
                        raise OSError("connection closed")
                    if line.startswith("$") and int(line[1:]) >= 0:
                        line = "$" + f.read(int(line[1:]) + 2).decode("utf-8", "replace").rstrip("\\r\\n")
                except OSError as e:
                    line = "!" + str(e)
                    if s is not None:
                        s.close()
                    s = None
                print(sent, time.monotonic_ns(), line, flush=True)
                if line.startswith("-"):
                    break
                time.sleep(interval)
            """;

    /** One question: sent and answered ({@link System#nanoTime()} scale) and the answer ({@code $value}, {@code -error}, {@code !failure}). */
    record Asked(long sentNs, long answeredNs, String answer) {
        boolean served() {
            return answer.startsWith("$") || answer.equals("_");
        }

        boolean refused() {
            return answer.startsWith("-");
        }

        String since(long zeroNs) {
            return TimeUnit.NANOSECONDS.toMillis(sentNs - zeroNs) + ".." + TimeUnit.NANOSECONDS.toMillis(answeredNs - zeroNs) + " ms: "
                    + answer;
        }
    }

    private final Process process;
    private final Duration limit;

    private InHostPoller(Process process, Duration limit) {
        this.process = process;
        this.limit = limit;
    }

    /** Starts asking {@code target} for {@code key} from inside {@code host}, every {@code every}, for at most {@code limit}. */
    static InHostPoller start(TestHost host, InetSocketAddress target, String key, Duration every, Duration limit)
            throws IOException {
        Process p = host.exec("python3", "-c", PROGRAM, target.getHostString(), Integer.toString(target.getPort()), key,
                Double.toString(every.toMillis() / 1000.0), Double.toString(limit.toMillis() / 1000.0));
        p.getOutputStream().close();
        return new InHostPoller(p, limit);
    }

    /** Waits for the poller to end (a refusal, or its limit); every question in order. */
    List<Asked> await() throws IOException, InterruptedException {
        // Read while it runs (it ends by itself within its limit), so that a full pipe never stalls it.
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(limit.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the in-host poller did not end within " + limit);
        }
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError("the in-host poller failed (exit " + process.exitValue() + "): " + err + out);
        }
        List<Asked> asked = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                String[] f = line.split(" ", 3);
                asked.add(new Asked(Long.parseLong(f[0]), Long.parseLong(f[1]), f.length > 2 ? f[2] : ""));
            }
        }
        return asked;
    }

    /** The first refusal, if any. */
    static Optional<Asked> firstRefusal(List<Asked> asked) {
        return asked.stream().filter(Asked::refused).findFirst();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
