package dev.caravan.servers.model;

import dev.caravan.servers.resp.RespCommandHandler;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.servers.resp.RespSession;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespReplyReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ServerModel#PROCESS_THREAD} driven by an owner's thread, answers given later, and the hand-over to its own thread. */
class DrivenLoopServerTest {
    private final List<Thread> handledOn = new CopyOnWriteArrayList<>();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final List<Long> closedSessions = new CopyOnWriteArrayList<>();
    /** Batches whose tag starts with "later" wait here until the test answers them. */
    private final Queue<Consumer<Reply[]>> later = new ConcurrentLinkedQueue<>();
    private volatile boolean ownerRunning = true;
    private Thread owner;
    private DrivenLoopServer server;

    private void start(boolean withOwner) throws Exception {
        RespProtocol protocol = new RespProtocol(new RespCommandHandler() {
            @Override
            public Reply[] execute(RespSession session, List<Command> batch) {
                throw new AssertionError("the process-thread model must not wait for a batch");
            }

            @Override
            public void execute(RespSession session, List<Command> batch, Consumer<Reply[]> done) {
                handledOn.add(Thread.currentThread());
                for (Command c : batch) {
                    handled.add(c.text(1));
                }
                if (batch.getFirst().text(1).startsWith("later")) {
                    later.add(done);
                } else {
                    done.accept(batch.stream().map(c -> Reply.bulk(c.text(1))).toArray(Reply[]::new));
                }
            }

            @Override
            public void onClosed(RespSession session) {
                closedSessions.add(session.id());
            }
        });
        server = DrivenLoopServer.forOwner(protocol, ServerOptions.defaults().withName("driven"));
        if (withOwner) {
            owner = Thread.ofPlatform().name("owner").start(() -> {
                while (ownerRunning) {
                    server.doWork(Long.MAX_VALUE);
                }
            });
        }
    }

    @AfterEach
    void close() throws InterruptedException {
        ownerRunning = false;
        if (server != null) {
            server.wakeup();
        }
        if (owner != null) {
            owner.join(5_000);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldServeConnectionsOnTheOwnersThread() throws Exception {
        start(true);
        try (WireClient c = new WireClient(server.address())) {
            c.send("ECHO a\r\n*2\r\n$4\r\nECHO\r\n$1\r\nb\r\n");
            RespReplyReader r = new RespReplyReader(c.in);
            assertThat(((Reply.Bulk) r.read()).text()).isEqualTo("a");
            assertThat(((Reply.Bulk) r.read()).text()).isEqualTo("b");
        }
        assertThat(handledOn).isNotEmpty().allMatch(t -> t == owner);
        assertThat(server.model()).isEqualTo(ServerModel.PROCESS_THREAD);
    }

    @Test
    void shouldHoldAConnectionsNextRequestsUntilAnAnswerGivenLaterArrivesThenKeepTheirOrder() throws Exception {
        start(true);
        try (WireClient c = new WireClient(server.address()); WireClient other = new WireClient(server.address())) {
            c.send("ECHO later-1\r\n");
            awaitHandled("later-1");
            c.send("ECHO after\r\n");
            // Another connection is served meanwhile; the waiting one's next request is not read.
            other.send("ECHO other\r\n");
            assertThat(((Reply.Bulk) new RespReplyReader(other.in).read()).text()).isEqualTo("other");
            assertThat(handled).doesNotContain("after");
            Consumer<Reply[]> done = later.poll();
            assertThat(done).isNotNull();
            // Answered on another thread: the loop writes it, then reads on.
            Thread.ofPlatform().start(() -> done.accept(new Reply[] {Reply.bulk("late")})).join();
            RespReplyReader r = new RespReplyReader(c.in);
            assertThat(((Reply.Bulk) r.read()).text()).isEqualTo("late");
            assertThat(((Reply.Bulk) r.read()).text()).isEqualTo("after");
        }
    }

    @Test
    void shouldGrowItsReadBufferForALongLineAndABigValue() throws Exception {
        start(true);
        String word = "w".repeat(20_000);
        String value = "v".repeat(300_000);
        try (WireClient c = new WireClient(server.address())) {
            c.send("ECHO " + word + "\r\n*2\r\n$4\r\nECHO\r\n$" + value.length() + "\r\n" + value + "\r\n");
            RespReplyReader r = new RespReplyReader(c.in);
            assertThat(((Reply.Bulk) r.read()).text()).isEqualTo(word);
            assertThat(((Reply.Bulk) r.read()).text()).isEqualTo(value);
        }
    }

    @Test
    void shouldCloseAConnectionWhosePeerLeavesWhileItsBatchWaits() throws Exception {
        start(true);
        WireClient c = new WireClient(server.address());
        c.send("ECHO later-gone\r\n");
        awaitHandled("later-gone");
        assertThat(server.activeConnections()).isEqualTo(1);
        c.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.activeConnections() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(server.activeConnections()).as("closed without waiting for the answer").isZero();
        assertThat(closedSessions).as("the session's end is told at once").hasSize(1);
        // The answer that comes later finds the connection gone and is dropped.
        later.poll().accept(new Reply[] {Reply.bulk("too late")});
    }

    @Test
    void shouldServeOnItsOwnThreadOnceTheOwnersThreadLeaves() throws Exception {
        start(true);
        try (WireClient c = new WireClient(server.address())) {
            c.send("ECHO later-pending\r\n");
            awaitHandled("later-pending");
            ownerRunning = false;
            server.wakeup();
            owner.join(5_000);
            server.onProcessThreadExit();
            // What the owner left pending is written by the loop's own thread.
            later.poll().accept(new Reply[] {Reply.bulk("answered")});
            RespReplyReader r = new RespReplyReader(c.in);
            assertThat(((Reply.Bulk) r.read()).text()).isEqualTo("answered");
            c.send("ECHO next\r\n");
            assertThat(((Reply.Bulk) r.read()).text()).isEqualTo("next");
        }
        assertThat(handledOn.getLast().getName()).isEqualTo("driven-loop");
    }

    @Test
    void shouldLetTheOwnerKeepCallingAfterClose() throws Exception {
        start(false);
        server.close();
        long t0 = System.nanoTime();
        server.doWork(Long.MAX_VALUE);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("parks briefly, does not spin or fail").isLessThan(2_000);
        server.doWork(0);
    }

    private void awaitHandled(String tag) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!handled.contains(tag) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(handled).contains(tag);
    }
}
