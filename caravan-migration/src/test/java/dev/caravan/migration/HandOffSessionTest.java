package dev.caravan.migration;

import dev.caravan.core.process.ProcessState;
import dev.caravan.migration.testkit.Requests;
import dev.caravan.migration.testkit.TestCluster;
import dev.caravan.migration.testkit.TestNode;
import dev.caravan.migration.testkit.TestProcess;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespReplyReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hand-off after a commit forwards what queued during the switch-over in the sessions of
 * the clients that sent it: their per-client state applies at the destination, a closing reply
 * still closes its client, and a client that left meanwhile is dropped there.
 */
class HandOffSessionTest {
    private static final MigrationSettings FAST = TestCluster.fastSettings();
    /**
     * A frozen window of 3 s in which the test queues three batches and a close notice (300 ms
     * was outlasted on a loaded 2-core machine), with the destination's idle and stall deadlines
     * well above it so that the window itself does not fail the migration.
     */
    private static final MigrationSettings SETTINGS = new MigrationSettings(FAST.connectTimeoutMs(), FAST.beginTimeoutMs(),
            10_000, 10_000, FAST.commitTimeoutMs(), FAST.pushAckTimeoutMs(), FAST.fetchTimeoutMs(), 10_000,
            FAST.movedAnswerMs(), FAST.ownershipResolveMs(), FAST.awaitCompleteMs(), FAST.prePagingMaxPages(), 3_000);
    private static final Duration BOUND = Duration.ofSeconds(10);

    private TestCluster cluster;
    private TestNode n1;
    private TestNode n2;

    /** A raw RESP client with a read timeout. */
    private static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final RespCommandWriter out;
        final RespReplyReader in;

        Client(int port) throws IOException {
            socket.connect(new InetSocketAddress(TestNode.LOOPBACK, port), 5000);
            socket.setSoTimeout(10_000);
            out = new RespCommandWriter(socket.getOutputStream());
            in = new RespReplyReader(socket.getInputStream());
        }

        void send(String... args) throws IOException {
            out.write(Command.of(args));
            out.flush();
        }

        Reply call(String... args) throws IOException {
            send(args);
            return in.read();
        }

        long sessionId() throws IOException {
            return Long.parseLong(((Reply.Bulk) call("WHO")).text().split(" ")[0]);
        }

        CompletableFuture<Reply> readLater() {
            CompletableFuture<Reply> f = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    f.complete(in.read());
                } catch (IOException | RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            return f;
        }

        boolean closedByServer() {
            try {
                return socket.getInputStream().read() == -1;
            } catch (SocketException e) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        cluster = TestCluster.aCluster().withNodes(2).withSettings(SETTINGS).start();
        n1 = cluster.node("n1");
        n2 = cluster.node("n2");
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void shouldForwardQueuedBatchesAndClosedClientsInTheirSessions() throws Exception {
        TestProcess source = n1.deploy("s1", 4 << 20, "sessions");
        try (Client a = new Client(source.dataPort()); Client b = new Client(source.dataPort());
             Client quitter = new Client(source.dataPort())) {
            assertThat(a.call("INCR")).isEqualTo(Reply.integer(1));
            long aId = a.sessionId();
            Client leaver = new Client(source.dataPort());
            assertThat(leaver.call("INCR")).isEqualTo(Reply.integer(1));
            long leaverId = leaver.sessionId();
            CompletableFuture<MigrationReport> moving = CompletableFuture.supplyAsync(() -> {
                try {
                    return n1.migrate(Requests.move("s1", "n2", MigrationMode.STOP_AND_COPY, "source:pause:freeze"));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(BOUND).until(() -> source.state() == ProcessState.SUSPENDED);
            // Closed while frozen: its notice waits in the mailbox and must travel with the hand-off.
            leaver.close();
            await().atMost(BOUND).until(() -> source.closeNoticeQueued(leaverId));
            a.send("INCR");
            b.send("INCR");
            quitter.send("BYE");
            await().atMost(BOUND).until(() -> source.runner().queuedCommands() == 3);
            CompletableFuture<Reply> aReply = a.readLater();
            CompletableFuture<Reply> bReply = b.readLater();
            CompletableFuture<Reply> quitReply = quitter.readLater();

            MigrationReport r = moving.get(SETTINGS.commitTimeoutMs() + 5_000, TimeUnit.MILLISECONDS);

            assertThat(r.outcome()).as(r.detail()).isEqualTo(MigrationOutcome.COMMITTED);
            assertThat(aReply.get(10, TimeUnit.SECONDS)).as("a's session went on at the destination").isEqualTo(Reply.integer(2));
            assertThat(bReply.get(10, TimeUnit.SECONDS)).isEqualTo(Reply.integer(1));
            assertThat(quitReply.get(10, TimeUnit.SECONDS)).isEqualTo(Reply.bulk("bye"));
            assertThat(quitter.closedByServer()).as("the closing reply still closes its client").isTrue();
            TestProcess dest = n2.process("s1").orElseThrow();
            try (Client there = new Client(dest.dataPort())) {
                Reply closed = there.call("CLOSED");
                assertThat(((Reply.Array) closed).items()).contains(Reply.bulk(Long.toString(leaverId)));
                assertThat(((Reply.Array) closed).items()).doesNotContain(Reply.bulk(Long.toString(aId)));
            }
        }
    }
}
