package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.node.StopReply;
import dev.caravan.wire.security.signing.CodePolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A node in this JVM with processes that spin, die or will not stop. */
class NodeLifecycleTest {
    private static final long STOP_DEADLINE_MS = 400;
    /** Generous: these bound a wait that, before the fix, never ended. */
    private static final long BOUND_S = 15;

    @TempDir
    Path tmp;
    private final LocalNamingService naming = new LocalNamingService();
    private final List<NodeDaemon> nodes = new ArrayList<>();
    private final List<String> spinners = new ArrayList<>();
    private NodeDaemon node;
    private String bundle;

    @BeforeEach
    void startNode() throws Exception {
        node = start("n1");
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        new JarOutputStream(jar).close();
        // An empty bundle: the class comes from the bundle loader's parent, this test's class path.
        bundle = node.putBundle(jar.toByteArray(), "");
    }

    private NodeDaemon start(String id) throws Exception {
        NodeConfig config = NodeConfig.loopback(id, 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve(id))
                .withStopDeadlineMs(STOP_DEADLINE_MS);
        NodeDaemon n = NodeDaemon.start(config, naming, Clock.system(), CodePolicy.allowUnsigned());
        nodes.add(n);
        return n;
    }

    @AfterEach
    void stopAll() {
        spinners.forEach(Spinner::release);
        nodes.forEach(NodeDaemon::close);
        naming.close();
    }

    private void deploy(String name, String interrupts) throws Exception {
        spinners.add(name);
        node.startProcess(new ProcessSpec(name, "", bundle, Spinner.class.getName(), 1 << 20, Map.of("interrupts", interrupts)));
    }

    private CompletableFuture<Reply> callInBackground(String name, String command) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).start(() -> {
            try {
                reply.complete(node.call(name, 1, 0, Command.of(command)));
            } catch (Exception | Error e) {
                reply.completeExceptionally(e);
            }
        });
        return reply;
    }

    private StopReply stopWithinBound(String name) throws Exception {
        CompletableFuture<StopReply> stop = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).start(() -> {
            try {
                stop.complete(node.stopProcess(name));
            } catch (Exception e) {
                stop.completeExceptionally(e);
            }
        });
        return stop.get(BOUND_S, TimeUnit.SECONDS);
    }

    private static void assertCode(ThrowingRunnable r, ErrorCode code, String messagePart) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(messagePart);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void shouldShowAProcessBusyInALongCommand() throws Exception {
        deploy("busy", "ignore");
        callInBackground("busy", "LOOP");
        await().atMost(Duration.ofSeconds(BOUND_S)).untilAsserted(() -> assertThat(node.inspect("busy")).satisfies(i -> {
            assertThat(i.state()).isEqualTo("BUSY");
            assertThat(i.stateDetail()).startsWith("in LOOP for ");
        }));
    }

    @Test
    void shouldStopACooperativeSpinningProcessByInterruptingIt() throws Exception {
        deploy("polite", "obey");
        CompletableFuture<Reply> spinning = callInBackground("polite", "LOOP");
        await().atMost(Duration.ofSeconds(BOUND_S)).until(() -> "LOOP".equals(node.hosted("polite").runner().busyWith()));

        StopReply reply = stopWithinBound("polite");

        assertThat(reply.stopped()).isTrue();
        assertThat(spinning.get(BOUND_S, TimeUnit.SECONDS)).isEqualTo(Reply.bulk("released"));
        assertThat(node.list()).isEmpty();
        assertThat(naming.lookup("process/polite")).isEmpty();
    }

    @Test
    void shouldAbandonAProcessThatIgnoresInterruptsAndKeepTheNodeWorking() throws Exception {
        deploy("stuck", "ignore");
        callInBackground("stuck", "LOOP");
        await().atMost(Duration.ofSeconds(BOUND_S)).until(() -> "LOOP".equals(node.hosted("stuck").runner().busyWith()));

        StopReply reply = stopWithinBound("stuck");

        assertThat(reply.stopped()).isFalse();
        assertThat(reply.detail()).contains("did not stop within " + STOP_DEADLINE_MS + " ms").contains("LOOP")
                .contains("memory kept");
        assertThat(naming.lookup("process/stuck")).isEmpty();
        ProcessInfo info = node.inspect("stuck");
        assertThat(info.state()).isEqualTo("STUCK");
        assertThat(info.stateDetail()).contains("abandoned").contains("still in LOOP");
        assertCode(() -> node.call("stuck", 1, 0, Command.of("PING")), ErrorCode.NOT_HERE, "stuck");

        // The node's books are free: another process starts, and the same name can be deployed again.
        deploy("other", "obey");
        deploy("stuck", "obey");
        assertThat(node.list()).extracting(ProcessInfo::name, ProcessInfo::state)
                .contains(org.assertj.core.groups.Tuple.tuple("stuck", "STUCK"), org.assertj.core.groups.Tuple.tuple("stuck", "RUNNING"));

        Spinner.release("stuck");
        await().atMost(Duration.ofSeconds(BOUND_S)).untilAsserted(() ->
                assertThat(node.list()).extracting(ProcessInfo::state).doesNotContain("STUCK"));
    }

    @Test
    void shouldKeepServingOtherProcessesWhileMoreHandlersSpinThanThereAreCores() throws Exception {
        deploy("healthy", "obey");
        int spinning = Runtime.getRuntime().availableProcessors() + 1;
        for (int i = 0; i < spinning; i++) {
            deploy("spin-" + i, "ignore");
            callInBackground("spin-" + i, "LOOP");
        }
        for (int i = 0; i < spinning; i++) {
            String name = "spin-" + i;
            await().atMost(Duration.ofSeconds(BOUND_S)).until(() -> "LOOP".equals(node.hosted(name).runner().busyWith()));
        }
        // Had the spinners pinned every carrier thread, nothing running on a virtual thread would answer.
        assertThat(callInBackground("healthy", "PING").get(BOUND_S, TimeUnit.SECONDS)).isEqualTo(Reply.bulk("pong"));
        assertThat(stopWithinBound("spin-0").stopped()).isFalse();
    }

    @Test
    void shouldCloseTheNodeWithinABoundWhileAProcessSpinsAndIgnoresInterrupts() throws Exception {
        deploy("spin-a", "ignore");
        deploy("spin-b", "ignore");
        callInBackground("spin-a", "LOOP");
        callInBackground("spin-b", "LOOP");
        await().atMost(Duration.ofSeconds(BOUND_S)).until(() -> "LOOP".equals(node.hosted("spin-a").runner().busyWith())
                && "LOOP".equals(node.hosted("spin-b").runner().busyWith()));
        // A stop in progress must not hold the node's close up either.
        CompletableFuture<StopReply> stopping = CompletableFuture.supplyAsync(() -> {
            try {
                return node.stopProcess("spin-a");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        CompletableFuture<Void> closed = CompletableFuture.runAsync(node::close);

        closed.get(BOUND_S, TimeUnit.SECONDS);
        assertThat(stopping.get(BOUND_S, TimeUnit.SECONDS).stopped()).isFalse();
        assertThat(naming.lookup("node/n1")).isEmpty();
    }

    @Test
    void shouldRefuseCallsAndCheckpointsOfAFailedProcessAtOnceWithTheReason() throws Exception {
        deploy("broken", "obey");
        assertThat(callInBackground("broken", "DIE").get(BOUND_S, TimeUnit.SECONDS)).isInstanceOf(Reply.Error.class);
        await().atMost(Duration.ofSeconds(BOUND_S)).until(() -> node.inspect("broken").state().equals("FAILED"));

        assertThat(node.inspect("broken").stateDetail()).contains("the handler broke an invariant");
        assertCode(() -> node.call("broken", 1, 7, Command.of("PING")), ErrorCode.PROCESS_FAILED, "broke an invariant");
        assertCode(() -> node.migration().checkpoint("broken", tmp.resolve("cp"), p -> { }), ErrorCode.PROCESS_FAILED,
                "broke an invariant");
        assertThat(stopWithinBound("broken").stopped()).isTrue();
    }

    @Test
    void shouldRefuseStoppingAProcessWhileItIsBeingMovedWithBusy() throws Exception {
        deploy("moving", "ignore");
        callInBackground("moving", "LOOP");
        await().atMost(Duration.ofSeconds(BOUND_S)).until(() -> "LOOP".equals(node.hosted("moving").runner().busyWith()));
        // A checkpoint marks the process as being moved, then waits for it to freeze (which it will not, while it spins).
        CompletableFuture<Void> checkpoint = CompletableFuture.runAsync(() -> {
            try {
                node.migration().checkpoint("moving", tmp.resolve("moving.ckpt"), p -> { });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        await().atMost(Duration.ofSeconds(BOUND_S)).untilAsserted(() ->
                assertCode(() -> node.stopProcess("moving"), ErrorCode.BUSY, "is being moved"));
        Spinner.release("moving");
        checkpoint.get(BOUND_S * 4, TimeUnit.SECONDS);
    }

    @Test
    void shouldRefuseASecondNodeWithTheIdOfARunningOne() throws Exception {
        assertCode(() -> start("n1"), ErrorCode.ALREADY_EXISTS, "node id n1 is in use by a running node (control 127.0.0.1:"
                + node.controlAddress().getPort() + ")");
        assertThat(naming.lookup("node/n1")).get().extracting(e -> e.port()).isEqualTo(node.controlAddress().getPort());
        assertThat(node.ownsProcesses()).isTrue();
    }
}
