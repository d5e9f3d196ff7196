package dev.caravan.systemtests;

import dev.caravan.client.CaravanClient;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.Frame;
import dev.caravan.wire.node.EvalRequest;
import dev.caravan.wire.node.EvalResult;
import dev.caravan.wire.node.MigrationMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Remote evaluation against real node JVMs: a function shipped in a bundle runs beside a KV
 * process's data and answers what a client-side scan finds; budgets stop it without harming
 * the process; bad functions and bad requests are refused with their error.
 */
class RemoteEvaluationTest {
    private static final String PROCESS = "rev-data";
    private static final int KEYS = 600;
    private static final String PATTERN = "m[aeiou]tch";
    private static final long MIB = 1 << 20;
    private static CaravanCluster cluster;
    private static byte[] jar;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(2).start();
        cluster.deployKv(PROCESS, "n1");
        List<String> mset = new ArrayList<>(List.of("MSET"));
        for (int i = 0; i < KEYS; i++) {
            mset.add("key:" + i);
            mset.add(i % 7 == 0 ? "value " + i + " with a match in it" : i % 11 == 0 ? "a motch " + i : "value " + i);
        }
        assertThat(cluster.client().call(PROCESS, mset.toArray(String[]::new))).isEqualTo(Reply.OK);
        assertThat(cluster.client().call(PROCESS, "LPUSH", "a-list", "match")).isEqualTo(new Reply.Int(1));
        jar = BundleBuilder.bundle()
                .source("rev.CountMatching", """
                        package rev;
                        import dev.caravan.core.eval.*;
                        import dev.caravan.wire.command.Reply;
                        import java.nio.charset.StandardCharsets;
                        import java.util.Iterator;
                        import java.util.List;
                        import java.util.regex.Pattern;
                        public final class CountMatching implements RemoteFunction {
                            @Override public Reply apply(EvalContext ctx, List<byte[]> args) {
                                Pattern p = Pattern.compile(new String(args.get(0), StandardCharsets.UTF_8));
                                long n = 0;
                                for (Iterator<byte[]> it = ctx.keys().keys(); it.hasNext(); ) {
                                    byte[] v = ctx.keys().get(it.next());
                                    if (v != null && p.matcher(new String(v, StandardCharsets.ISO_8859_1)).find()) {
                                        n++;
                                    }
                                }
                                return new Reply.Int(n);
                            }
                        }
                        """)
                .source("rev.Spin", """
                        package rev;
                        import dev.caravan.core.eval.*;
                        import dev.caravan.wire.command.Reply;
                        import java.util.List;
                        public final class Spin implements RemoteFunction {
                            @Override public Reply apply(EvalContext ctx, List<byte[]> args) {
                                long n = 0;
                                while (!Thread.currentThread().isInterrupted()) { n++; }
                                return new Reply.Int(n);
                            }
                        }
                        """)
                .source("rev.Hoard", """
                        package rev;
                        import dev.caravan.core.eval.*;
                        import dev.caravan.wire.command.Reply;
                        import java.util.ArrayList;
                        import java.util.List;
                        public final class Hoard implements RemoteFunction {
                            @Override public Reply apply(EvalContext ctx, List<byte[]> args) {
                                List<byte[]> kept = new ArrayList<>();
                                for (int i = 0; i < 4096 && !Thread.currentThread().isInterrupted(); i++) {
                                    kept.add(new byte[16 << 10]);
                                    ctx.checkBudget();
                                }
                                return new Reply.Int(kept.size());
                            }
                        }
                        """)
                .source("rev.Fails", """
                        package rev;
                        import dev.caravan.core.eval.*;
                        import dev.caravan.wire.command.Reply;
                        import java.util.List;
                        public final class Fails implements RemoteFunction {
                            @Override public Reply apply(EvalContext ctx, List<byte[]> args) {
                                throw new IllegalArgumentException("bad pattern\\nsecond line");
                            }
                        }
                        """)
                .source("rev.Writes", """
                        package rev;
                        import dev.caravan.core.eval.*;
                        import dev.caravan.wire.command.Reply;
                        import java.util.List;
                        public final class Writes implements RemoteFunction {
                            @Override public Reply apply(EvalContext ctx, List<byte[]> args) {
                                Object memory = ctx.memory();
                                ((dev.caravan.core.memory.PagedMemory) memory).putLong(0, 0);
                                return Reply.OK;
                            }
                        }
                        """)
                .source("rev.NotAFunction", "package rev; public final class NotAFunction { }")
                .build();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static EvalResult eval(CaravanClient client, String className, Duration time, long memoryBytes, String... args) {
        List<byte[]> bytes = new ArrayList<>();
        for (String a : args) {
            bytes.add(a.getBytes(StandardCharsets.UTF_8));
        }
        return client.evaluate(PROCESS, jar, className, bytes, time, memoryBytes);
    }

    /** What a client finds by reading every string value itself. */
    private static long countByScanning(CaravanClient client, Pattern pattern) {
        long n = 0;
        for (int i = 0; i < KEYS; i++) {
            Reply v = client.call(PROCESS, "GET", "key:" + i);
            if (v instanceof Reply.Bulk b && pattern.matcher(b.text()).find()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void shouldCountMatchingValuesBesideTheDataAsAClientScanDoes() {
        EvalResult result = eval(cluster.client(), "rev.CountMatching", Duration.ofSeconds(10), 64 * MIB, PATTERN);

        long expected = countByScanning(cluster.client(), Pattern.compile(PATTERN));
        assertThat(expected).isGreaterThan(KEYS / 7);
        assertThat(result.reply()).isEqualTo(new Reply.Int(expected));
        assertThat(result.elapsedNs()).isPositive();
        assertThat(result.allocatedBytes()).isPositive();
    }

    @Test
    void shouldStopALoopingFunctionWhileTheProcessKeepsServing() {
        try (CaravanClient other = cluster.newClient()) {
            long start = System.nanoTime();
            CaravanException e = catchThrowableOfType(CaravanException.class,
                    () -> eval(cluster.client(), "rev.Spin", Duration.ofMillis(300), 64 * MIB));

            assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
            assertThat(e.getMessage()).contains("time budget");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(other.call(PROCESS, "GET", "key:7")).isInstanceOfSatisfying(Reply.Bulk.class,
                    b -> assertThat(b.text()).contains("match"));
        }
    }

    @Test
    void shouldStopAFunctionOverItsMemoryBudget() {
        CaravanException e = catchThrowableOfType(CaravanException.class,
                () -> eval(cluster.client(), "rev.Hoard", Duration.ofSeconds(10), 4 * MIB));

        assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
        assertThat(e.getMessage()).contains("memory budget of " + 4 * MIB);
        assertThat(cluster.client().call(PROCESS, "DBSIZE")).isEqualTo(new Reply.Int(KEYS + 1));
    }

    @Test
    void shouldAnswerAFailingFunctionWithAOneLineError() {
        EvalResult result = eval(cluster.client(), "rev.Fails", Duration.ofSeconds(5), 64 * MIB);

        assertThat(result.reply()).isInstanceOfSatisfying(Reply.Error.class, err -> assertThat(err.text())
                .startsWith("ERR function rev.Fails failed: java.lang.IllegalArgumentException: bad pattern second line (at rev.Fails.apply:")
                .doesNotContain("\n"));
    }

    @Test
    void shouldOfferNoWritePath() {
        EvalResult result = eval(cluster.client(), "rev.Writes", Duration.ofSeconds(5), 64 * MIB);

        assertThat(result.reply()).isInstanceOfSatisfying(Reply.Error.class, err -> assertThat(err.text())
                .startsWith("ERR function rev.Writes failed: java.lang.ClassCastException"));
        assertThat(cluster.client().call(PROCESS, "DBSIZE")).isEqualTo(new Reply.Int(KEYS + 1));
        assertThat(cluster.client().call(PROCESS, "GET", "key:7")).isInstanceOf(Reply.Bulk.class);
    }

    @Test
    void shouldRefuseUnknownClassesAndClassesThatAreNotFunctions() {
        CaravanException missing = catchThrowableOfType(CaravanException.class,
                () -> eval(cluster.client(), "rev.Missing", Duration.ofSeconds(5), 64 * MIB));
        CaravanException notFunction = catchThrowableOfType(CaravanException.class,
                () -> eval(cluster.client(), "rev.NotAFunction", Duration.ofSeconds(5), 64 * MIB));
        CaravanException noProcess = catchThrowableOfType(CaravanException.class,
                () -> cluster.client().evaluate("no-such-process", jar, "rev.CountMatching", List.of(), Duration.ofSeconds(1), 64 * MIB));

        assertThat(missing.code()).isEqualTo(ErrorCode.CLASS_LOAD_FAILED);
        assertThat(missing.getMessage()).contains("class rev.Missing is not in the bundle");
        assertThat(notFunction.code()).isEqualTo(ErrorCode.CLASS_LOAD_FAILED);
        assertThat(notFunction.getMessage()).contains("does not implement dev.caravan.core.eval.RemoteFunction");
        assertThat(noProcess.code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void shouldRefuseMalformedAndOversizedRequestsBeforeRunningAnything() {
        try (FrameClient raw = FrameClient.connect(cluster.controlAddress("n1"), new Hello("test", ""), Duration.ofSeconds(5))) {
            byte[] tooMany = new BodyWriter().string(PROCESS).string("00").string("rev.Spin").i32(1_000_000).toBytes();
            Frame refusedCount = raw.call(Op.NODE_EVAL, tooMany, Duration.ofSeconds(5));
            byte[] truncated = new BodyWriter().string(PROCESS).string("00").toBytes();
            Frame refusedShape = raw.call(Op.NODE_EVAL, truncated, Duration.ofSeconds(5));
            byte[] unknownBundle = new BodyWriter().string(PROCESS).string("ab".repeat(32)).string("rev.Spin").i32(0)
                    .i64(100).i64(MIB).toBytes();
            Frame refusedBundle = raw.call(Op.NODE_EVAL, unknownBundle, Duration.ofSeconds(5));

            assertThat(errorOf(refusedCount)).isEqualTo(ErrorCode.TOO_LARGE);
            assertThat(errorOf(refusedShape)).isEqualTo(ErrorCode.MALFORMED);
            assertThat(errorOf(refusedBundle)).isEqualTo(ErrorCode.NOT_FOUND);
        }
        CaravanException bigArgs = catchThrowableOfType(CaravanException.class, () -> cluster.client().evaluate(PROCESS, jar,
                "rev.CountMatching", List.of(new byte[EvalRequest.MAX_ARGS_BYTES + 1]), Duration.ofSeconds(1), 64 * MIB));
        assertThat(bigArgs.code()).isEqualTo(ErrorCode.TOO_LARGE);
    }

    private static ErrorCode errorOf(Frame reply) {
        CaravanException e = catchThrowableOfType(CaravanException.class, reply::expectOk);
        return e.code();
    }

    @Test
    void shouldReadPagesThatAPostCopyMoveHasNotDeliveredYet() throws Exception {
        dev.caravan.wire.node.ProcessInfo info = cluster.deployKv("rev-postcopy", "n1");
        dev.caravan.client.KvFiller.fill(CaravanCluster.dataAddress(info), 20_000, 1000);
        try (CaravanClient client = cluster.newClient()) {
            MigrationTest.migrate(cluster, "rev-postcopy", "n2", MigrationMode.POST_COPY, "");
            EvalResult after = client.evaluate("rev-postcopy", jar, "rev.CountMatching",
                    List.of("^v{1000}$".getBytes(StandardCharsets.UTF_8)), Duration.ofSeconds(30), 256 * MIB);

            assertThat(after.reply()).isEqualTo(new Reply.Int(20_000));
            assertThat(client.locate("rev-postcopy").node()).isEqualTo("n2");
        }
    }

    @Test
    void shouldFollowTheProcessWhenItMoves() {
        cluster.deployKv("rev-mover", "n1");
        cluster.client().call("rev-mover", "SET", "k", "a match");
        try (CaravanClient client = cluster.newClient()) {
            assertThat(client.evaluate("rev-mover", jar, "rev.CountMatching", List.of(PATTERN.getBytes(StandardCharsets.UTF_8)),
                    Duration.ofSeconds(5), 64 * MIB).reply()).isEqualTo(new Reply.Int(1));
            MigrationTest.migrate(cluster, "rev-mover", "n2", MigrationMode.STOP_AND_COPY, "");
            EvalResult after = client.evaluate("rev-mover", jar, "rev.CountMatching",
                    List.of(PATTERN.getBytes(StandardCharsets.UTF_8)), Duration.ofSeconds(5), 64 * MIB);

            assertThat(after.reply()).isEqualTo(new Reply.Int(1));
            assertThat(client.locate("rev-mover").node()).isEqualTo("n2");
        }
    }
}
