package dev.caravan.systemtests;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.RemoteNamingService;
import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.BackendSetWatch;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.SwitchContext;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.switching.pool.BackendPool;
import dev.caravan.switching.resp.RespContentFrontend;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.ProcessSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A content-aware RESP front end (in this JVM, over a hand-made context whose dispatcher is a
 * real {@link BackendPool} fed by naming, with active health probes) in front of three kv shards
 * {@code kv-1..3} on real node JVMs, labelled {@code service=kvs}: redis-benchmark through it
 * without an error, every key on exactly one shard, and a shard migrated (pre-copy, then
 * post-copy) under pipelined INCRs with no error reply and every count equal to its acknowledged
 * increments: a key's shard is fixed by membership, whatever the pool thinks of the moving shard.
 */
class RespContentFrontendSystemTest {
    private static final Route ROUTE = new Route(Route.RouteMatch.ANY, BackendSelector.parse("label:service=kvs"),
            PolicyKind.AFFINITY, new Route.AffinitySource(Route.AffinitySource.Kind.RESP_KEY, null));
    private static CaravanCluster cluster;
    private static NamingService naming;
    private static final List<AutoCloseable> closeables = new ArrayList<>();
    private static BackendPool pool;
    private static RespContentFrontend front;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(3).start();
        naming = new RemoteNamingService(cluster.namingAddress(), new Hello("resp-content-test", ""), Duration.ofSeconds(5));
        for (int i = 1; i <= 3; i++) {
            cluster.control("n" + i).start(new ProcessSpec("kv-" + i, "kv", "", "", CaravanCluster.PROCESS_MEMORY_BYTES,
                    Map.of("label.service", "kvs")));
        }
        // Active probes on (the defaults): the pool may take a migrating shard out; its keys must stay on it anyway.
        FrontendSpec spec = new FrontendSpec("kvs", new InetSocketAddress("127.0.0.1", 0), FrontendProtocol.RESP,
                DispatchMode.CONTENT, List.of(ROUTE), FrontendSpec.BackendLimits.DEFAULTS);
        pool = BackendPool.create(spec, ROUTE, Clock.system());
        closeables.add(pool);
        closeables.add(BackendSetWatch.start(naming, ROUTE.backends(), pool));
        await().atMost(20, TimeUnit.SECONDS).until(() -> pool.status().size() == 3);
        front = new RespContentFrontend(spec, context());
    }

    @AfterAll
    static void stop() throws Exception {
        if (front != null) {
            front.close();
        }
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        if (naming != null) {
            naming.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static SwitchContext context() {
        SwitchContext base = SwitchProcessFrontendTest.context(naming);
        return new SwitchContext() {
            @Override
            public Dispatcher dispatcher(FrontendSpec frontend, Route route) {
                return pool;
            }

            @Override
            public NamingService naming() {
                return base.naming();
            }

            @Override
            public Clock clock() {
                return base.clock();
            }

            @Override
            public String linkToken() {
                return base.linkToken();
            }

            @Override
            public String switchId() {
                return base.switchId();
            }
        };
    }

    private static InetSocketAddress shard(int i) {
        return cluster.client().resolve("kv-" + i).orElseThrow().data();
    }

    /** Each shard's keys, read on the shard itself. */
    private static List<Set<String>> keysPerShard() throws IOException {
        List<Set<String>> out = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            try (SwitchProcessFrontendTest.Client c = new SwitchProcessFrontendTest.Client(shard(i))) {
                Set<String> keys = new HashSet<>();
                for (Reply r : ((Reply.Array) c.call("KEYS", "*")).items()) {
                    keys.add(((Reply.Bulk) r).text());
                }
                assertThat(c.call("DBSIZE")).isEqualTo(Reply.integer(keys.size()));
                out.add(keys);
            }
        }
        return out;
    }

    @Test
    void shouldServeRedisBenchmarkWithoutErrorsAndPutEveryKeyOnExactlyOneShard() throws Exception {
        Process bench = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(front.address().getPort()),
                "-t", "set,get", "-r", "10000", "-n", "100000", "-c", "20", "-P", "16", "-q").redirectErrorStream(true).start();
        String output = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bench.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(bench.exitValue()).as(output).isZero();
        assertThat(output.toLowerCase(Locale.ROOT)).as(output).doesNotContain("error").doesNotContain("moved");
        List<Set<String>> shards = keysPerShard();
        Set<String> benchKeys = new HashSet<>();
        int sum = 0;
        for (Set<String> s : shards) {
            s.stream().filter(k -> k.startsWith("key:")).forEach(benchKeys::add);
            sum += (int) s.stream().filter(k -> k.startsWith("key:")).count();
            assertThat(s).as("every shard holds some keys").isNotEmpty();
        }
        assertThat(sum).as("DBSIZE sum equals the distinct keys set: no key on two shards").isEqualTo(benchKeys.size());
        assertThat(benchKeys.size()).as("redis-benchmark -r 10000 over 100000 SETs").isGreaterThan(9_000);
        assertThat(front.refused()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = MigrationMode.class, names = {"PRE_COPY", "POST_COPY"})
    void shouldKeepEveryKeyOnItsShardWithExactCountsWhileAShardMigratesUnderLoad(MigrationMode mode) throws Exception {
        String prefix = "count-" + mode.label() + ":";
        int keys = 64;
        AtomicLongArray acked = new AtomicLongArray(keys);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t * keys / 4;
            threads.add(Thread.ofVirtual().start(() -> {
                try (SwitchProcessFrontendTest.Client c = new SwitchProcessFrontendTest.Client(front.address())) {
                    while (!stop.get()) {
                        for (int k = first; k < first + keys / 4; k++) {
                            c.out.write(Command.of("INCR", prefix + k));
                        }
                        c.out.flush();
                        for (int k = first; k < first + keys / 4; k++) {
                            Reply r = c.in.read();
                            if (r instanceof Reply.Int n && n.value() == acked.get(k) + 1) {
                                acked.incrementAndGet(k);
                            } else {
                                bad.add(prefix + k + ": " + r);
                            }
                        }
                    }
                } catch (IOException e) {
                    bad.add(e.toString());
                }
            }));
        }
        await().atMost(20, TimeUnit.SECONDS).until(() -> least(acked) > 100);
        String from = cluster.client().resolve("kv-1").orElseThrow().node();
        String to = from.equals("n2") ? "n3" : "n2";
        MigrationReport r = MigrationTest.migrate(cluster, "kv-1", to, mode, "");
        assertThat(r.outcome()).as(r.detail()).isEqualTo(MigrationOutcome.COMMITTED);
        assertThat(cluster.client().resolve("kv-1").orElseThrow().node()).isEqualTo(to);
        long after = most(acked);
        await().atMost(30, TimeUnit.SECONDS).until(() -> least(acked) > after + 100 || !bad.isEmpty());
        stop.set(true);
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(60));
        }
        assertThat(bad).as("replies that are not the next count (MOVED, TRYAGAIN, lost, CROSSSLOT ...)").isEmpty();
        Map<String, Integer> home = new ConcurrentHashMap<>();
        List<Set<String>> shards = keysPerShard();
        for (int s = 0; s < 3; s++) {
            for (String k : shards.get(s)) {
                assertThat(home.put(k, s)).as(k + " on one shard only").isNull();
            }
            assertThat(shards.get(s)).as("kv-" + (s + 1) + " holds some of the counters")
                    .anyMatch(k -> k.startsWith(prefix));
        }
        try (SwitchProcessFrontendTest.Client check = new SwitchProcessFrontendTest.Client(front.address())) {
            for (int k = 0; k < keys; k++) {
                assertThat(check.call("GET", prefix + k)).as(prefix + k + " ran each acknowledged INCR exactly once")
                        .isEqualTo(Reply.bulk(Long.toString(acked.get(k))));
            }
        }
        assertThat(home.keySet()).filteredOn(k -> k.startsWith(prefix)).hasSize(keys);
        assertThat(front.refused()).isZero();
    }

    private static long least(AtomicLongArray a) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < a.length(); i++) {
            min = Math.min(min, a.get(i));
        }
        return min;
    }

    private static long most(AtomicLongArray a) {
        long max = 0;
        for (int i = 0; i < a.length(); i++) {
            max = Math.max(max, a.get(i));
        }
        return max;
    }
}
