package dev.caravan.systemtests;

import dev.caravan.client.CheckpointRestorer;
import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.caravan.systemtests.BundleBuilder.bundle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Strong mobility on real node JVMs: a process written as a plain Java loop (locals, a record, a
 * nested frame with an inner loop), enhanced by the node when it loads the bundle, moves mid-loop
 * in every migration mode while a client streams numbered requests through its stable endpoint;
 * every reply proves that each request reached the loop exactly once, in order, with its locals
 * intact. Then a clone and a checkpoint restored elsewhere continue from the same state.
 */
class LoopProcessMobilityTest {
    static final String CLASS = "loops.Summer";
    static final String SOURCE = """
            package loops;

            import dev.caravan.core.mobility.LoopContext;
            import dev.caravan.core.mobility.LoopProcess;
            import dev.caravan.core.mobility.Request;
            import dev.caravan.wire.command.Reply;

            public final class Summer implements LoopProcess {
                public record Tally(String label, long hits) {
                }

                @Override
                public void run(LoopContext ctx) {
                    long sum = 0;
                    long count = 0;
                    String trail = "";
                    Tally tally = new Tally("t", 0);
                    while (true) {
                        Request r = ctx.receive();
                        if (r.command().name().equalsIgnoreCase("BATCH")) {
                            int k = Integer.parseInt(r.command().text(1));
                            ctx.reply(r, Reply.bulk("batch " + k));
                            sum += inner(ctx, k, sum);
                        } else {
                            long n = Long.parseLong(r.command().text(1));
                            count++;
                            sum += n;
                            tally = new Tally(tally.label(), tally.hits() + 1);
                            trail = trail.length() >= 12 ? trail.substring(trail.length() - 8) + (n % 10) : trail + (n % 10);
                            ctx.reply(r, Reply.bulk(sum + ":" + count + ":" + tally.label() + tally.hits() + ":" + trail));
                        }
                    }
                }

                private long inner(LoopContext ctx, int k, long base) {
                    long added = 0;
                    for (int i = 1; i <= k; i++) {
                        Request r = ctx.receive();
                        long n = Long.parseLong(r.command().text(1));
                        added += n;
                        ctx.reply(r, Reply.bulk("in " + i + "/" + k + " " + (base + added)));
                    }
                    return added;
                }
            }
            """;

    private static CaravanCluster cluster;
    private static byte[] jar;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(3).start();
        jar = bundle().source(CLASS, SOURCE).build();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** What the loop answers to ADD n after the adds {@code 1..n} (sum, count, tally, trail of last digits). */
    static final class Expected {
        long sum;
        long count;
        String trail = "";

        String add(long n) {
            count++;
            sum += n;
            trail = trail.length() >= 12 ? trail.substring(trail.length() - 8) + (n % 10) : trail + (n % 10);
            return sum + ":" + count + ":t" + count + ":" + trail;
        }
    }

    private static MigrationReport migrate(String name, String to, MigrationMode mode, boolean clone, String newName) {
        InetSocketAddress at = cluster.client().resolve(name).orElseThrow().control();
        return NodeControl.migrate(at, "", new MigrationRequest(name, to, mode, 50, 30, 2, clone, newName, ""), p -> { },
                Duration.ofMinutes(2));
    }

    private static String text(Reply r) {
        return r instanceof Reply.Bulk b ? b.text() : r.toString();
    }

    @ParameterizedTest
    @EnumSource(MigrationMode.class)
    void shouldMoveAPlainJavaLoopMidLoopWithItsLocalsAndEveryRequestAnsweredOnce(MigrationMode mode) throws Exception {
        String name = "summer-" + mode.label();
        ProcessInfo p = cluster.deployBundle(name, jar, CLASS, "n1");
        InetSocketAddress front = CaravanCluster.frontAddress(p);
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicLong answered = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread client = Thread.ofVirtual().start(() -> {
            Expected expected = new Expected();
            try (RespConnection c = new RespConnection(front)) {
                for (long n = 1; running.get(); n++) {
                    String want = expected.add(n);
                    String got = text(c.call("ADD", Long.toString(n)));
                    if (!got.equals(want)) {
                        wrong.add("ADD " + n + ": " + got + " (expected " + want + ")");
                        return;
                    }
                    answered.set(n);
                }
            } catch (Exception e) {
                wrong.add("client: " + e);
            }
        });
        MigrationReport report;
        long atStart;
        try {
            await().atMost(20, TimeUnit.SECONDS).until(() -> answered.get() > 50 || !wrong.isEmpty());
            atStart = answered.get();
            report = migrate(name, "n2", mode, false, "");
            long atCommit = answered.get();
            await().atMost(20, TimeUnit.SECONDS).until(() -> answered.get() > atCommit + 100 || !wrong.isEmpty());
        } finally {
            running.set(false);
            client.join(Duration.ofSeconds(30));
        }
        assertThat(wrong).isEmpty();
        assertThat(report.outcome().label()).isEqualTo("committed");
        assertThat(atStart).as("requests before the move").isGreaterThan(50);
        assertThat(cluster.client().resolve(name).orElseThrow().node()).isEqualTo("n2");
        cluster.control("n2").stop(name);
    }

    @Test
    void shouldMoveInsideANestedFrameAndCloneAndCheckpointMidLoop() throws Exception {
        ProcessInfo p = cluster.deployBundle("summer-fork", jar, CLASS, "n1");
        try (RespConnection c = new RespConnection(CaravanCluster.frontAddress(p))) {
            Expected e = new Expected();
            for (long n = 1; n <= 5; n++) {
                assertThat(text(c.call("ADD", Long.toString(n)))).isEqualTo(e.add(n));
            }
            assertThat(text(c.call("BATCH", "3"))).isEqualTo("batch 3");
            assertThat(text(c.call("ADD", "100"))).isEqualTo("in 1/3 115");
            // Suspended in the nested frame, inside its inner loop: move, then continue there.
            assertThat(migrate("summer-fork", "n2", MigrationMode.HYBRID, false, "").outcome().label()).isEqualTo("committed");
            assertThat(text(c.call("ADD", "200"))).isEqualTo("in 2/3 315");
            // Clone mid inner loop: both copies go on from the same state, independently.
            assertThat(migrate("summer-fork", "n3", MigrationMode.PRE_COPY, true, "summer-fork-copy").outcome().label())
                    .isEqualTo("cloned");
            assertThat(text(c.call("ADD", "1000"))).isEqualTo("in 3/3 1315");
            assertThat(text(cluster.client().call("summer-fork-copy", "ADD", "7"))).isEqualTo("in 3/3 322");
            assertThat(text(c.call("ADD", "1"))).isEqualTo("1316:6:t6:123451");
            assertThat(text(cluster.client().call("summer-fork-copy", "ADD", "2"))).isEqualTo("324:6:t6:123452");
            // Checkpoint mid-loop, restored on another node: it continues from the checkpoint.
            Path file = dir.resolve("summer.ckpt");
            InetSocketAddress at = cluster.client().resolve("summer-fork").orElseThrow().control();
            try (FrameClient f = FrameClient.connect(at, new Hello("test", ""), Duration.ofSeconds(10))) {
                MigrationReport r = MigrationReport.readFrom(f.call(Op.NODE_CHECKPOINT,
                        new BodyWriter().string("summer-fork").string(file.toString()).toBytes(), Duration.ofMinutes(1)).expectOk());
                assertThat(r.outcome().label()).isEqualTo("checkpointed");
            }
            assertThat(text(c.call("ADD", "3"))).isEqualTo("1319:7:t7:1234513");
            MigrationReport restored = new CheckpointRestorer(cluster.client(), "").restore(file, "n3",
                    cluster.controlAddress("n3"), "summer-restored");
            assertThat(restored.outcome().label()).isEqualTo("restored");
            assertThat(text(cluster.client().call("summer-restored", "ADD", "9"))).isEqualTo("1325:7:t7:1234519");
        }
        List<String> names = new ArrayList<>(List.of("summer-fork-copy", "summer-restored"));
        for (String n : names) {
            cluster.control(cluster.client().resolve(n).orElseThrow().node()).stop(n);
        }
    }

    @Test
    void shouldRefuseAtDeployALoopHoldingAValueWithoutACodecNamingTypeAndPlace() {
        String source = """
                package loops;

                import dev.caravan.core.mobility.LoopContext;
                import dev.caravan.core.mobility.LoopProcess;
                import dev.caravan.core.mobility.Request;
                import dev.caravan.wire.command.Reply;

                public final class Holder implements LoopProcess {
                    @Override
                    public void run(LoopContext ctx) {
                        java.util.Optional<String> last = java.util.Optional.empty();
                        while (true) {
                            Request r = ctx.receive();
                            ctx.reply(r, Reply.bulk(last.orElse("none")));
                            last = java.util.Optional.of(r.command().name());
                        }
                    }
                }
                """;
        byte[] holder = bundle().source("loops.Holder", source).build();
        assertThatThrownBy(() -> cluster.deployBundle("holder", holder, "loops.Holder", "n1"))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CODE_REFUSED))
                .hasMessageContaining("java.util.Optional")
                .hasMessageContaining("loops.Holder.run(")
                .hasMessageContaining("give it a codec in codecs()");
        assertThat(cluster.client().resolve("holder")).as("nothing was registered").isEmpty();
    }

    @Test
    void shouldMoveTheBuiltInLoopCounterSampleWithItsLocals() {
        cluster.control("n1").start(new ProcessSpec("loop-counter-1", "loop-counter", "", "", CaravanCluster.PROCESS_MEMORY_BYTES,
                java.util.Map.of()));
        assertThat(text(cluster.client().call("loop-counter-1", "ADD", "40"))).isEqualTo("40:1");
        assertThat(migrate("loop-counter-1", "n3", MigrationMode.STOP_AND_COPY, false, "").outcome().label()).isEqualTo("committed");
        assertThat(text(cluster.client().call("loop-counter-1", "ADD", "2"))).isEqualTo("42:2");
        cluster.control("n3").stop("loop-counter-1");
    }

    /**
     * The dashboard pings every process that migrates (every 100 ms, through the client library):
     * the runtime answers PING itself, so a loop that counts its commands (and parses an argument
     * PING does not have) sees only what its own client sent, before, during and after a move.
     */
    @Test
    void shouldAnswerPingsForTheLoopSoItSeesOnlyItsOwnCommandsWhileItMoves() throws Exception {
        String name = "summer-pinged";
        ProcessInfo p = cluster.deployBundle(name, jar, CLASS, "n1");
        ConcurrentLinkedQueue<String> wrongPongs = new ConcurrentLinkedQueue<>();
        AtomicLong pongs = new AtomicLong();
        AtomicBoolean pinging = new AtomicBoolean(true);
        Thread prober = Thread.ofVirtual().start(() -> {
            while (pinging.get()) {
                try {
                    Reply r = cluster.client().call(name, "PING");
                    if (r instanceof Reply.Simple s && s.text().equals("PONG")) {
                        pongs.incrementAndGet();
                    } else {
                        wrongPongs.add(r.toString());
                    }
                } catch (RuntimeException e) {
                    wrongPongs.add("PING: " + e.getMessage());
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a probe's pace, not a wait
            }
        });
        try (RespConnection c = new RespConnection(CaravanCluster.frontAddress(p))) {
            Expected e = new Expected();
            long n = 1;
            for (; n <= 5; n++) {
                assertThat(text(c.call("ADD", Long.toString(n)))).isEqualTo(e.add(n));
            }
            await().atMost(20, TimeUnit.SECONDS).until(() -> pongs.get() >= 5 || !wrongPongs.isEmpty());
            assertThat(text(c.call("PING", "hi"))).isEqualTo("hi");
            assertThat(migrate(name, "n2", MigrationMode.PRE_COPY, false, "").outcome().label()).isEqualTo("committed");
            long atCommit = pongs.get();
            await().atMost(20, TimeUnit.SECONDS).until(() -> pongs.get() >= atCommit + 5 || !wrongPongs.isEmpty());
            for (; n <= 10; n++) {
                assertThat(text(c.call("ADD", Long.toString(n)))).as("count = ADDs only").isEqualTo(e.add(n));
            }
        } finally {
            pinging.set(false);
            prober.join(Duration.ofSeconds(30));
        }
        assertThat(wrongPongs).isEmpty();
        assertThat(cluster.client().resolve(name).orElseThrow().node()).isEqualTo("n2");
        cluster.control("n2").stop(name);
    }
}
