package dev.caravan.systemtests;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.RemoteNamingService;
import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.SwitchContext;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.switching.process.ProcessFrontend;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.RespReplyReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The switch's PROCESS front end between real node JVMs (constructed here over the cluster's
 * naming, with a hand-made {@link SwitchContext}): across migrations in every mode no
 * {@code MOVED}, {@code TRYAGAIN} or "lost" reply reaches a client at any pipeline depth or value
 * size, no command runs twice, sessions survive, and the process's old node can be killed.
 */
class SwitchProcessFrontendTest {
    private static CaravanCluster cluster;
    private static NamingService naming;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(3).start();
        naming = new RemoteNamingService(cluster.namingAddress(), new Hello("switch-test", ""), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        if (naming != null) {
            naming.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** What sw-core's daemon will provide; PROCESS front ends use only naming, the clock and the token. */
    static SwitchContext context(NamingService naming) {
        return new SwitchContext() {
            @Override
            public Dispatcher dispatcher(FrontendSpec frontend, Route route) {
                throw new UnsupportedOperationException("a process front end dispatches through naming");
            }

            @Override
            public NamingService naming() {
                return naming;
            }

            @Override
            public Clock clock() {
                return Clock.system();
            }

            @Override
            public String linkToken() {
                return "";
            }

            @Override
            public String switchId() {
                return "s1";
            }
        };
    }

    static ProcessFrontend frontFor(String process) {
        FrontendSpec spec = new FrontendSpec("p-" + process, new InetSocketAddress("127.0.0.1", 0), FrontendProtocol.RESP,
                DispatchMode.PROCESS, List.of(new Route(Route.RouteMatch.ANY, BackendSelector.parse("name:" + process),
                PolicyKind.ROUND_ROBIN, null)), null);
        return new ProcessFrontend(spec, context(naming));
    }

    /** A RESP client with a read timeout; replies read on the heap whatever their size. */
    static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final RespCommandWriter out;
        final RespReplyReader in;

        Client(InetSocketAddress at) throws IOException {
            socket.connect(at, 5000);
            socket.setSoTimeout(60_000);
            out = new RespCommandWriter(new java.io.BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
            in = new RespReplyReader(socket.getInputStream(), RespLimits.DEFAULTS.onHeap());
        }

        Reply call(String... args) throws IOException {
            out.write(Command.of(args));
            out.flush();
            return in.read();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Pipelines INCRs {@code depth} at a time until stopped; records every reply that is not an integer. */
    private static final class Incrementer implements Runnable {
        final String key;
        final int depth;
        final InetSocketAddress at;
        final AtomicBoolean stop;
        final AtomicLong acked = new AtomicLong();
        final ConcurrentLinkedQueue<String> bad;

        Incrementer(String key, int depth, InetSocketAddress at, AtomicBoolean stop, ConcurrentLinkedQueue<String> bad) {
            this.key = key;
            this.depth = depth;
            this.at = at;
            this.stop = stop;
            this.bad = bad;
        }

        @Override
        public void run() {
            try (Client c = new Client(at)) {
                while (!stop.get()) {
                    for (int i = 0; i < depth; i++) {
                        c.out.write(Command.of("INCR", key));
                    }
                    c.out.flush();
                    for (int i = 0; i < depth; i++) {
                        Reply r = c.in.read();
                        if (r instanceof Reply.Int n && n.value() == acked.get() + 1) {
                            acked.incrementAndGet();
                        } else {
                            bad.add(key + ": " + r);
                        }
                    }
                }
            } catch (IOException e) {
                bad.add(key + ": " + e);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(MigrationMode.class)
    void shouldRunEveryCommandOnceAndPassNoRedirectAcrossMigrationsAtAnyDepthAndValueSize(MigrationMode mode) throws Exception {
        String name = "sw-" + mode.label();
        cluster.deployKv(name, "n1");
        try (ProcessFrontend front = frontFor(name)) {
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
            List<Incrementer> incrementers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int depth : new int[] {1, 16, 256}) {
                Incrementer inc = new Incrementer("n" + depth, depth, front.address(), stop, bad);
                incrementers.add(inc);
                threads.add(Thread.ofVirtual().start(inc));
            }
            byte[] big = new byte[8 << 20];
            java.util.Arrays.fill(big, (byte) 'x');
            AtomicLong bigRounds = new AtomicLong();
            Thread bigWriter = Thread.ofVirtual().start(() -> {
                try (Client c = new Client(front.address())) {
                    for (int i = 0; !stop.get(); i++) {
                        big[0] = (byte) ('a' + i % 26);
                        c.out.write(new Command(new byte[][] {"SET".getBytes(StandardCharsets.US_ASCII), "big".getBytes(StandardCharsets.US_ASCII), big}));
                        c.out.write(Command.of("GET", "big"));
                        c.out.flush();
                        Reply set = c.in.read();
                        Reply get = c.in.read();
                        if (!Reply.OK.equals(set) || !(get instanceof Reply.Bulk b) || b.value().length != big.length
                                || b.value()[0] != big[0]) {
                            bad.add("big: " + set + " / " + (get instanceof Reply.Bulk b2 ? b2.value().length + " bytes" : get));
                        }
                        bigRounds.incrementAndGet();
                    }
                } catch (IOException e) {
                    bad.add("big: " + e);
                }
            });
            threads.add(bigWriter);
            await().atMost(20, TimeUnit.SECONDS).until(() -> incrementers.stream().allMatch(i -> i.acked.get() > 50));
            MigrationReport there = MigrationTest.migrate(cluster, name, "n2", mode, "");
            assertThat(there.outcome()).as(there.detail()).isEqualTo(MigrationOutcome.COMMITTED);
            long afterFirst = incrementers.getFirst().acked.get();
            await().atMost(20, TimeUnit.SECONDS).until(() -> incrementers.getFirst().acked.get() > afterFirst + 50);
            MigrationReport back = MigrationTest.migrate(cluster, name, "n3", mode, "");
            assertThat(back.outcome()).as(back.detail()).isEqualTo(MigrationOutcome.COMMITTED);
            long afterSecond = incrementers.getFirst().acked.get();
            await().atMost(20, TimeUnit.SECONDS).until(() -> incrementers.getFirst().acked.get() > afterSecond + 50);
            stop.set(true);
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(60));
            }
            assertThat(bad).as("replies that are not the next count (MOVED, TRYAGAIN, lost, ...)").isEmpty();
            try (Client check = new Client(front.address())) {
                for (Incrementer inc : incrementers) {
                    assertThat(check.call("GET", inc.key)).as("each INCR ran exactly once: " + inc.key)
                            .isEqualTo(Reply.bulk(Long.toString(inc.acked.get())));
                }
            }
            assertThat(bigRounds.get()).as("8 MiB SET+GET rounds").isPositive();
            assertThat(front.refused()).isZero();
        } finally {
            cluster.client().resolve(name).ifPresent(p -> cluster.client().node(p.control()).stop(name));
        }
    }

    @Test
    void shouldKeepAuthSelectMultiAndClientNameOfEachSessionAcrossAMigration() throws Exception {
        String password = "s3cret";
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
        cluster.control("n1").start(new ProcessSpec("sw-sessions", "kv", "", "", CaravanCluster.PROCESS_MEMORY_BYTES,
                Map.of("auth.password.sha256", sha)));
        try (ProcessFrontend front = frontFor("sw-sessions");
             Client a = new Client(front.address()); Client b = new Client(front.address())) {
            assertThat(a.call("GET", "k")).isInstanceOf(Reply.Error.class);
            assertThat(a.call("AUTH", password)).isEqualTo(Reply.OK);
            assertThat(b.call("AUTH", password)).isEqualTo(Reply.OK);
            // The kv has one database (docs/kv.md): SELECT 0 only; its session state is the protocol and the name.
            assertThat(a.call("SELECT", "0")).isEqualTo(Reply.OK);
            assertThat(a.call("SET", "k", "v")).isEqualTo(Reply.OK);
            assertThat(a.call("CLIENT", "SETNAME", "alice")).isEqualTo(Reply.OK);
            assertThat(a.call("MULTI")).isEqualTo(Reply.OK);
            assertThat(a.call("INCR", "t")).isEqualTo(new Reply.Simple("QUEUED"));

            MigrationReport r = MigrationTest.migrate(cluster, "sw-sessions", "n2", MigrationMode.PRE_COPY, "");
            assertThat(r.outcome()).as(r.detail()).isEqualTo(MigrationOutcome.COMMITTED);

            assertThat(a.call("INCR", "t")).isEqualTo(new Reply.Simple("QUEUED"));
            assertThat(a.call("EXEC")).isEqualTo(new Reply.Array(List.of(Reply.integer(1), Reply.integer(2))));
            assertThat(a.call("SELECT", "1")).as("as redis-server --databases 1").isInstanceOf(Reply.Error.class);
            assertThat(a.call("CLIENT", "GETNAME")).isEqualTo(Reply.bulk("alice"));
            assertThat(b.call("GET", "k")).as("b is still authenticated").isEqualTo(Reply.bulk("v"));
            assertThat(b.call("CLIENT", "GETNAME")).as("b's name is its own").isEqualTo(Reply.NIL);
            try (Client c = new Client(front.address())) {
                assertThat(c.call("GET", "k")).as("a new session is not authenticated").isInstanceOf(Reply.Error.class);
            }
        } finally {
            cluster.client().resolve("sw-sessions").ifPresent(p -> cluster.client().node(p.control()).stop("sw-sessions"));
        }
    }

    @Test
    void shouldServeWithoutErrorsRedisBenchmarkAcrossAMigration() throws Exception {
        cluster.deployKv("sw-bench", "n1");
        try (ProcessFrontend front = frontFor("sw-bench")) {
            Process bench = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(front.address().getPort()),
                    "-t", "set,get,incr,lpush", "-n", "200000", "-c", "20", "-P", "16", "-q").redirectErrorStream(true).start();
            await().atMost(20, TimeUnit.SECONDS).until(() -> front.dispatched() > 100);
            MigrationReport r = MigrationTest.migrate(cluster, "sw-bench", "n2", MigrationMode.PRE_COPY, "");
            assertThat(r.outcome()).as(r.detail()).isEqualTo(MigrationOutcome.COMMITTED);
            String output = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(bench.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(bench.exitValue()).as(output).isZero();
            assertThat(output.toLowerCase(Locale.ROOT)).doesNotContain("error").doesNotContain("moved").doesNotContain("tryagain");
        } finally {
            cluster.client().resolve("sw-bench").ifPresent(p -> cluster.client().node(p.control()).stop("sw-bench"));
        }
    }
}
