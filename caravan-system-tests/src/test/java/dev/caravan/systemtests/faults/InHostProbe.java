package dev.caravan.systemtests.faults;

import dev.caravan.launch.net.TestHost;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Asks a RESP endpoint from inside a test host ({@code redis-cli} run in its namespace), so that
 * a node whose link is cut can still be asked what it answers: the test JVM cannot reach it then.
 * The answer is {@code redis-cli}'s output without a terminal: the value, an empty line for nil,
 * or the error text ({@code TRYAGAIN …}, {@code MOVED …}).
 */
final class InHostProbe {
    private InHostProbe() {
    }

    /** What {@code target} answers to {@code args}, asked from inside {@code host}, or {@code no answer: …}. */
    static String ask(TestHost host, InetSocketAddress target, Duration timeout, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("timeout", String.format(Locale.ROOT, "%.1f", timeout.toMillis() / 1000.0),
                "redis-cli", "-h", target.getHostString(), "-p", Integer.toString(target.getPort())));
        cmd.addAll(List.of(args));
        Process p = host.exec(cmd.toArray(String[]::new));
        p.getOutputStream().close();
        if (!p.waitFor(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            return "no answer: redis-cli did not end";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() == 124) {
            return "no answer within " + timeout;
        }
        return p.exitValue() == 0 ? out : "no answer: exit " + p.exitValue() + " " + out + " " + err;
    }
}
