package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.security.signing.CodePolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-client sessions from the socket to the process, on every path: a client connected to
 * the data endpoint (in every server model), a client of the stable endpoint (over pooled
 * session links), across a migration, with the process's control replies and disconnects.
 * Two nodes in this JVM over real sockets; the process is {@link SessionCounter}.
 */
class SessionEndpointsTest {
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path tmp;
    private static LocalNamingService naming;
    private static NodeDaemon n1;
    private static NodeDaemon n2;
    private static String bundle;

    @BeforeAll
    static void startNodes() throws Exception {
        naming = new LocalNamingService();
        n1 = start("n1");
        n2 = start("n2");
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        new JarOutputStream(jar).close();
        // An empty bundle: the class comes from the bundle loader's parent, this test's class path.
        bundle = n1.putBundle(jar.toByteArray(), "");
        n2.putBundle(jar.toByteArray(), "");
    }

    private static NodeDaemon start(String id) throws Exception {
        NodeConfig config = NodeConfig.loopback(id, 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve(id));
        return NodeDaemon.start(config, naming, Clock.system(), CodePolicy.allowUnsigned());
    }

    @AfterAll
    static void stopNodes() {
        if (n1 != null) {
            n1.close();
        }
        if (n2 != null) {
            n2.close();
        }
        naming.close();
    }

    private static ProcessInfo deploy(ServerModel model) throws Exception {
        String name = "sessions-" + NAMES.incrementAndGet();
        return n1.startProcess(new ProcessSpec(name, "", bundle, SessionCounter.class.getName(), 1 << 20,
                Map.of(DataEndpoint.MODEL_KEY, model.cliName())));
    }

    private static String data(ProcessInfo p) {
        return p.dataHost() + ":" + p.dataPort();
    }

    /** The ids whose onClientClosed ran, asked on a new connection. */
    private static List<Long> closedSessions(String at) throws Exception {
        try (TestRespClient c = new TestRespClient(at)) {
            Reply r = c.call("CLOSED");
            List<Long> ids = new ArrayList<>();
            for (Reply item : ((Reply.Array) r).items()) {
                ids.add(Long.parseLong(((Reply.Bulk) item).text()));
            }
            return ids;
        }
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldGiveEachDirectConnectionItsOwnSessionAndDropItWhenItCloses(ServerModel model) throws Exception {
        ProcessInfo p = deploy(model);
        long first;
        try (TestRespClient a = new TestRespClient(data(p))) {
            assertThat(a.call("INCR")).isEqualTo(Reply.integer(1));
            assertThat(a.call("INCR")).isEqualTo(Reply.integer(2));
            String[] who = a.text("WHO").split(" ");
            first = Long.parseLong(who[0]);
            assertThat(first).isPositive();
            assertThat(who[1]).isEqualTo(a.localAddress());
            assertThat(who[2]).isEqualTo(data(p));
        }
        // One connection at a time: the iterative model serves the next only when this one has gone.
        await().atMost(BOUND).until(() -> closedSessions(data(p)).contains(first));
        try (TestRespClient b = new TestRespClient(data(p))) {
            assertThat(b.call("INCR")).as("a new connection starts a new session").isEqualTo(Reply.integer(1));
            assertThat(b.sessionId()).isNotEqualTo(first);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldHonourSuppressedAndClosingRepliesOnADirectConnection(ServerModel model) throws Exception {
        ProcessInfo p = deploy(model);
        try (TestRespClient c = new TestRespClient(data(p))) {
            c.send("OFF");
            c.send("INCR");
            c.send("BYE");

            assertThat(c.read()).isEqualTo(Reply.integer(1));
            assertThat(c.read()).isEqualTo(Reply.bulk("bye"));
            assertThat(c.closedByServer()).isTrue();
        }
        try (TestRespClient c = new TestRespClient(data(p))) {
            assertThat(c.call("QUIT")).as("QUIT closes even when the process does not know it")
                    .isEqualTo(Reply.error("ERR unknown command 'QUIT'"));
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerModel.class, names = {"VIRTUAL_THREADS", "EVENT_LOOP", "DISPATCHER_WORKER"})
    void shouldCloseADirectConnectionTheProcessKills(ServerModel model) throws Exception {
        ProcessInfo p = deploy(model);
        try (TestRespClient victim = new TestRespClient(data(p)); TestRespClient killer = new TestRespClient(data(p))) {
            long id = victim.sessionId();

            assertThat(killer.call("KILL", Long.toString(id))).isEqualTo(Reply.OK);

            assertThat(victim.closedByServer()).isTrue();
            await().atMost(BOUND).until(() -> closedSessions(data(p)).contains(id));
        }
    }

    @Test
    void shouldKeepEachFrontClientsStateAcrossPooledBackendConnections() throws Exception {
        ProcessInfo p = deploy(ServerModel.VIRTUAL_THREADS);
        int clients = 8;
        int rounds = 40;
        List<CompletableFuture<List<Reply>>> runs = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                try (TestRespClient c = new TestRespClient(p.front())) {
                    List<Reply> seen = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        seen.add(c.call("INCR"));
                    }
                    return seen;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
        }
        for (CompletableFuture<List<Reply>> run : runs) {
            List<Reply> expected = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                expected.add(Reply.integer(r));
            }
            assertThat(run.get(30, TimeUnit.SECONDS)).as("each client counts alone, 1.." + rounds).isEqualTo(expected);
        }
    }

    @Test
    void shouldNameTheFrontsClientInItsSession() throws Exception {
        ProcessInfo p = deploy(ServerModel.VIRTUAL_THREADS);
        try (TestRespClient a = new TestRespClient(p.front()); TestRespClient b = new TestRespClient(p.front())) {
            String[] who = a.text("WHO").split(" ");

            assertThat(who[1]).isEqualTo(a.localAddress());
            assertThat(who[2]).isEqualTo(p.front());
            assertThat(b.sessionId()).isNotEqualTo(Long.parseLong(who[0]));
        }
    }

    @Test
    void shouldHonourSuppressedAndClosingRepliesThroughTheFrontAndKeepItsBackendConnections() throws Exception {
        ProcessInfo p = deploy(ServerModel.VIRTUAL_THREADS);
        for (int i = 0; i < 5; i++) {
            try (TestRespClient c = new TestRespClient(p.front())) {
                c.send("OFF");
                c.send("INCR");
                c.send("BYE");

                assertThat(c.read()).isEqualTo(Reply.integer(1));
                assertThat(c.read()).isEqualTo(Reply.bulk("bye"));
                assertThat(c.closedByServer()).isTrue();
            }
            try (TestRespClient next = new TestRespClient(p.front())) {
                assertThat(next.call("INCR")).as("the backend connection BYE went over is still good").isEqualTo(Reply.integer(1));
            }
        }
    }

    @Test
    void shouldTellTheProcessWhenAFrontClientDisconnects() throws Exception {
        ProcessInfo p = deploy(ServerModel.VIRTUAL_THREADS);
        long id;
        try (TestRespClient a = new TestRespClient(p.front())) {
            a.call("INCR");
            id = a.sessionId();
        }

        await().atMost(BOUND).until(() -> closedSessions(data(p)).contains(id));
        try (TestRespClient c = new TestRespClient(data(p))) {
            assertThat(c.call("SESSIONS")).as("only this one is left").isEqualTo(Reply.integer(0));
        }
    }

    @Test
    void shouldCloseAFrontClientTheProcessKillsWhenItNextSends() throws Exception {
        ProcessInfo p = deploy(ServerModel.VIRTUAL_THREADS);
        try (TestRespClient victim = new TestRespClient(p.front()); TestRespClient killer = new TestRespClient(p.front())) {
            long id = victim.sessionId();
            assertThat(killer.call("KILL", Long.toString(id))).isEqualTo(Reply.OK);

            victim.send("INCR");

            assertThat(victim.closedByServer()).isTrue();
            await().atMost(BOUND).until(() -> closedSessions(data(p)).contains(id));
            assertThat(killer.call("INCR")).isEqualTo(Reply.integer(1));
        }
    }

    @Test
    void shouldNotLetOneFrontClientsQuitBreakAnotherClientsRequest() throws Exception {
        String name = "kv-quit-" + NAMES.incrementAndGet();
        ProcessInfo kv = n1.startProcess(new ProcessSpec(name, "kv", "", "", 8 << 20, Map.of()));
        try (TestRespClient setup = new TestRespClient(kv.front())) {
            assertThat(setup.call("SET", "k", "v")).isEqualTo(Reply.OK);
        }
        for (int i = 0; i < 5; i++) {
            try (TestRespClient a = new TestRespClient(kv.front())) {
                assertThat(a.call("QUIT")).isEqualTo(Reply.OK);
                assertThat(a.closedByServer()).isTrue();
            }
            try (TestRespClient b = new TestRespClient(kv.front())) {
                assertThat(b.call("GET", "k")).isEqualTo(Reply.bulk("v"));
            }
        }
    }

    @Test
    void shouldKeepAFrontClientsSessionAcrossAMigrationAndDropSessionsWhoseClientsLeft() throws Exception {
        ProcessInfo p = deploy(ServerModel.VIRTUAL_THREADS);
        TestRespClient viaFront = new TestRespClient(p.front());
        TestRespClient direct = new TestRespClient(data(p));
        try {
            assertThat(viaFront.call("INCR")).isEqualTo(Reply.integer(1));
            assertThat(viaFront.call("INCR")).isEqualTo(Reply.integer(2));
            long directId = direct.sessionId();
            assertThat(direct.call("INCR")).isEqualTo(Reply.integer(1));
            long frontId = viaFront.sessionId();

            MigrationReport r = n1.migration().migrate(new MigrationRequest(p.name(), "n2", MigrationMode.STOP_AND_COPY,
                    50, 30, 2, false, "", ""), progress -> { });
            assertThat(r.outcome()).as(r.detail()).isEqualTo(MigrationOutcome.COMMITTED);
            String there = n2.inspect(p.name()).dataHost() + ":" + n2.inspect(p.name()).dataPort();

            assertThat(viaFront.call("INCR")).as("the same session, its state moved").isEqualTo(Reply.integer(3));
            assertThat(direct.call("INCR")).isInstanceOfSatisfying(Reply.Error.class,
                    e -> assertThat(e.text()).startsWith("MOVED "));
            direct.close();
            viaFront.close();

            await().atMost(BOUND).until(() -> closedSessions(there).containsAll(List.of(directId, frontId)));
        } finally {
            direct.close();
            viaFront.close();
        }
    }
}
