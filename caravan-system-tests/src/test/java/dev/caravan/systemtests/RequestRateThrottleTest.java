package dev.caravan.systemtests;

import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.node.SecuritySettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.caravan.testsupport.CaravanCluster.PROCESS_MEMORY_BYTES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request-rate quota's throttle policy in a real node JVM: a process deployed with
 * {@code --quota rps=50 --quota-policy throttle} answers every one of a client's 200 commands, with
 * no error, at its rate: after the bucket's one-second burst (50 commands) the client's commands
 * are answered about 50 a second. Measured from the replies' arrival times, never slept.
 */
class RequestRateThrottleTest {
    private static final int COMMANDS = 200;
    private static final int RATE = 50;
    private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String PONG = "+PONG\r\n";
    private static CaravanCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(1).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldAnswerEveryCommandAtTheQuotaRateWithNoErrorUnderTheThrottlePolicy() throws Exception {
        ProcessInfo p = cluster.control("n1").start(new ProcessSpec("kv-paced", "kv", "", "", PROCESS_MEMORY_BYTES,
                Map.of(SecuritySettings.QUOTA_REQUESTS_PER_SECOND, String.valueOf(RATE), SecuritySettings.QUOTA_POLICY, "throttle")));
        long[] answeredNs = new long[COMMANDS];
        try (Socket s = new Socket(CaravanCluster.dataAddress(p).getAddress(), p.dataPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < COMMANDS; i++) {
                out.write(PING);
                out.flush();
                assertThat(read(in, PONG.length())).as("reply %d", i).isEqualTo(PONG);
                answeredNs[i] = System.nanoTime();
            }
        }
        // Past the burst every command waits its turn: the last 100 take about 100/50 s.
        double steadyPerSecond = (COMMANDS - 100) / ((answeredNs[COMMANDS - 1] - answeredNs[99]) / 1e9);
        assertThat(steadyPerSecond).as("commands a second past the burst").isBetween(RATE * 0.7, RATE * 1.1);
        long totalMs = TimeUnit.NANOSECONDS.toMillis(answeredNs[COMMANDS - 1] - answeredNs[0]);
        assertThat(totalMs).as("200 commands, 50 of them the burst").isGreaterThanOrEqualTo((COMMANDS - RATE) * 1000L / RATE * 9 / 10);
        // Throttled, not stopped: it is still registered and serving.
        assertThat(cluster.client().resolve("kv-paced")).isPresent();
    }

    private static String read(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        return new String(b, StandardCharsets.US_ASCII);
    }
}
