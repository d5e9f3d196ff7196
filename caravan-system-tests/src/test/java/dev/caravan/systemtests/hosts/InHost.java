package dev.caravan.systemtests.hosts;

import dev.caravan.launch.net.TestHost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Commands run inside a test host (a network namespace): their output, and what wrk printed. */
final class InHost {
    private InHost() {
    }

    /** Runs {@code command} inside {@code host}; fails the test unless it exits 0 within 120 s. Returns stdout and stderr. */
    static String run(TestHost host, String... command) throws IOException, InterruptedException {
        Process p = host.exec(command);
        p.getOutputStream().close();
        // Merge by reading stderr on a virtual thread: neither pipe may fill while the other is read.
        StringBuilder err = new StringBuilder();
        Thread errReader = Thread.ofVirtual().start(() -> {
            try {
                err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // The process is gone.
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        errReader.join(5_000);
        if (!ended) {
            p.destroyForcibly();
        }
        String all = out + err;
        assertThat(ended).as("%s in %s did not end: %s", String.join(" ", command), host.name(), all).isTrue();
        assertThat(p.exitValue()).as("%s in %s: %s", String.join(" ", command), host.name(), all).isZero();
        return all;
    }

    /** Requests wrk completed; fails the test when wrk saw a socket error or a non-2xx/3xx answer. */
    static long wrkRequestsWithoutErrors(String wrkOutput) {
        assertThat(wrkOutput).doesNotContain("Socket errors").doesNotContain("Non-2xx or 3xx responses");
        Matcher m = Pattern.compile("(\\d+) requests in").matcher(wrkOutput);
        assertThat(m.find()).as(wrkOutput).isTrue();
        return Long.parseLong(m.group(1));
    }
}
