package dev.caravan.servers.oob;

import dev.caravan.servers.line.LineClient;
import dev.caravan.servers.model.ServerModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class OutOfBandServerTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private OutOfBandServer server;
    private final List<LineClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        server = new OutOfBandServer(ServerModel.VIRTUAL_THREADS, 1);
    }

    @AfterEach
    void stop() {
        clients.forEach(LineClient::close);
        server.close();
    }

    private LineClient data() {
        return client(server.dataPort());
    }

    private LineClient control() {
        return client(server.controlPort());
    }

    private LineClient client(int port) {
        LineClient c = new LineClient(new InetSocketAddress("127.0.0.1", port));
        clients.add(c);
        return c;
    }

    @Test
    void shouldInterruptRunningRequestReleaseItsResourceAndReplyCancelled() {
        LineClient worker = data();
        worker.send("WORK long 60000");
        await().atMost(BOUND).until(() -> server.scheduler().isRunning("long") && server.scheduler().resourcesInUse() == 1);

        assertThat(control().callOk("CANCEL long")).isEqualTo("OK running");

        assertThat(worker.readLine()).isEqualTo("long cancelled");
        assertThat(server.scheduler().resourcesInUse()).isZero();
        assertThat(worker.callOk("WORK next 0")).isEqualTo("next done");
    }

    @Test
    void shouldCancelAQueuedRequestWithoutRunningIt() {
        LineClient a = data();
        LineClient b = data();
        a.send("WORK a 60000");
        await().atMost(BOUND).until(() -> server.scheduler().isRunning("a"));
        b.send("WORK b 0");
        await().atMost(BOUND).until(() -> server.scheduler().queued() == 1);

        LineClient ctl = control();
        assertThat(ctl.callOk("CANCEL b")).isEqualTo("OK queued");
        assertThat(b.readLine()).isEqualTo("b cancelled");
        assertThat(ctl.callOk("CANCEL a")).isEqualTo("OK running");
        assertThat(a.readLine()).isEqualTo("a cancelled");
        assertThat(server.scheduler().finishedOrder()).containsExactly("b", "a");
    }

    @Test
    void shouldRunQueuedRequestsInTheirNewPriorityOrder() {
        LineClient blocker = data();
        blocker.send("WORK blocker 60000");
        await().atMost(BOUND).until(() -> server.scheduler().isRunning("blocker"));
        List<LineClient> waiting = new ArrayList<>();
        for (String id : new String[]{"b", "c", "d"}) {
            LineClient c = data();
            c.send("WORK " + id + " 0");
            waiting.add(c);
            await().atMost(BOUND).until(() -> server.scheduler().queued() == waiting.size());
        }
        LineClient ctl = control();
        assertThat(ctl.callOk("PRIORITY d 5")).isEqualTo("OK queued");
        assertThat(ctl.callOk("PRIORITY c 9")).isEqualTo("OK queued");
        assertThat(ctl.callOk("PRIORITY blocker 9")).isEqualTo("OK running");
        ctl.callOk("CANCEL blocker");

        assertThat(blocker.readLine()).isEqualTo("blocker cancelled");
        for (LineClient c : waiting) {
            assertThat(c.readLine()).endsWith(" done");
        }
        assertThat(server.scheduler().finishedOrder()).containsExactly("blocker", "c", "d", "b");
    }

    @Test
    void shouldAnswerBadControlLinesWithTypedErrorsAndKeepServing() throws IOException {
        LineClient ctl = control();
        assertThat(ctl.call("CANCEL nobody")).startsWith("ERR NOT_FOUND no request nobody");
        assertThat(ctl.call("CANCEL")).startsWith("ERR MALFORMED expected 'CANCEL <id>'");
        assertThat(ctl.call("PRIORITY x high")).startsWith("ERR MALFORMED 'high' is not a number");
        assertThat(ctl.call("REBOOT")).startsWith("ERR UNKNOWN_OPERATION");
        assertThat(data().call("WORK x")).startsWith("ERR MALFORMED");

        // stream-level garbage: an overlong line and invalid UTF-8 close only that connection
        try (Socket raw = new Socket("127.0.0.1", server.controlPort())) {
            raw.setSoTimeout(10_000);
            OutputStream out = raw.getOutputStream();
            out.write("X".repeat(5000).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(raw.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("ERR TOO_LARGE line longer than 1024 bytes");
        }
        try (Socket raw = new Socket("127.0.0.1", server.controlPort())) {
            raw.setSoTimeout(10_000);
            raw.getOutputStream().write(new byte[]{'C', (byte) 0xC3, (byte) 0x28, '\n'});
            InputStream in = raw.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).startsWith("ERR MALFORMED line is not UTF-8");
        }
        assertThat(ctl.call("CANCEL nobody")).startsWith("ERR NOT_FOUND");
        assertThat(control().call("PRIORITY nobody 1")).startsWith("ERR NOT_FOUND");
    }

    @Test
    void shouldRefuseADuplicateRequestId() {
        LineClient a = data();
        a.send("WORK same 60000");
        await().atMost(BOUND).until(() -> server.scheduler().isRunning("same"));
        assertThat(data().call("WORK same 0")).startsWith("ERR ALREADY_EXISTS");
        control().callOk("CANCEL same");
        assertThat(a.readLine()).isEqualTo("same cancelled");
    }
}
