package dev.caravan.servers.forward;

import dev.caravan.core.process.ClientRef;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespReplyReader;
import dev.caravan.wire.resp.RespWriter;
import dev.caravan.wire.resp.SessionLink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessForwarderTest {
    private static final ClientRef CLIENT = new ClientRef(7, "127.0.0.1:1000", "127.0.0.1:2000");
    private final List<FakeDataEndpoint> endpoints = new ArrayList<>();

    /** How a fake data endpoint treats each link connection after answering its first batch. */
    enum After { KEEP, RESET, READ_NEXT_AND_CLOSE }

    /**
     * A data endpoint that speaks just enough of the session link: admits the hello, answers each
     * batch +OK per command (counting the batches it ran), and after the first batch on a link does
     * what {@code after} says.
     */
    private static final class FakeDataEndpoint implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        final AtomicInteger ran = new AtomicInteger();
        final After after;

        FakeDataEndpoint(After after) throws IOException {
            this.after = after;
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        InetSocketAddress address() {
            return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
        }

        private void serve(Socket s) {
            try (s) {
                RespReplyReader in = new RespReplyReader(s.getInputStream());
                RespWriter out = new RespWriter(s.getOutputStream());
                in.read(); // the hello
                out.write(Reply.OK);
                out.flush();
                for (int batch = 0; ; batch++) {
                    Reply.Array header = (Reply.Array) in.read();
                    if (header == null) {
                        return;
                    }
                    int n = Integer.parseInt(((Reply.Bulk) header.items().get(4)).text());
                    for (int i = 0; i < n; i++) {
                        in.read();
                    }
                    if (batch == 1 && after == After.READ_NEXT_AND_CLOSE) {
                        ran.incrementAndGet();
                        return; // ran it, and went away before answering
                    }
                    ran.incrementAndGet();
                    Reply[] replies = new Reply[n];
                    java.util.Arrays.fill(replies, Reply.OK);
                    out.write(SessionLink.frame(replies));
                    out.flush();
                    if (after == After.RESET) {
                        s.setSoLinger(true, 0);
                        return;
                    }
                }
            } catch (IOException e) {
                // the forwarder went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private FakeDataEndpoint endpoint(After after) throws IOException {
        FakeDataEndpoint e = new FakeDataEndpoint(after);
        endpoints.add(e);
        return e;
    }

    @AfterEach
    void closeEndpoints() throws IOException {
        for (FakeDataEndpoint e : endpoints) {
            e.close();
        }
    }

    /** A clock that never moves: pooled links are never probed, so a dead one is found only by using it. */
    private static long frozenClock() {
        return 0;
    }

    @Test
    void shouldSendAgainOnAFreshLinkABatchThatAPooledLinkProvablyNeverSent() throws Exception {
        FakeDataEndpoint e = endpoint(After.RESET);
        try (ProcessForwarder f = new ProcessForwarder("p", e::address, ProcessForwarderTest::frozenClock, "", Idempotence.NONE)) {
            assertThat(f.forward(CLIENT, new Command[] {Command.of("SET", "a", "1")})).containsExactly(Reply.OK);
            // The pooled link was reset by the endpoint after its answer: writing into it fails.
            assertThat(f.forward(CLIENT, new Command[] {Command.of("SET", "a", "2")})).containsExactly(Reply.OK);
            assertThat(e.ran).hasValue(2);
        }
    }

    @Test
    void shouldAnswerABatchOfUnknownFateAsSuchAndNeverRunItTwice() throws Exception {
        FakeDataEndpoint e = endpoint(After.READ_NEXT_AND_CLOSE);
        try (ProcessForwarder f = new ProcessForwarder("p", e::address, ProcessForwarderTest::frozenClock, "", Idempotence.NONE)) {
            assertThat(f.forward(CLIENT, new Command[] {Command.of("INCR", "n")})).containsExactly(Reply.OK);
            Reply[] r = f.forward(CLIENT, new Command[] {Command.of("INCR", "n")});
            assertThat(r).hasSize(1);
            assertThat(((Reply.Error) r[0]).text()).isEqualTo("ERR connection to process p lost mid-request; it may or may not have run");
            assertThat(e.ran).hasValue(2);
            assertThat(f.failed()).isEqualTo(1);
        }
    }

    @Test
    void shouldSendAgainABatchOfUnknownFateWhenEveryCommandIsIdempotent() throws Exception {
        FakeDataEndpoint e = endpoint(After.READ_NEXT_AND_CLOSE);
        Idempotence gets = c -> c.name().equals("GET");
        try (ProcessForwarder f = new ProcessForwarder("p", e::address, ProcessForwarderTest::frozenClock, "", gets)) {
            assertThat(f.forward(CLIENT, new Command[] {Command.of("GET", "n")})).containsExactly(Reply.OK);
            assertThat(f.forward(CLIENT, new Command[] {Command.of("GET", "n")})).containsExactly(Reply.OK);
            assertThat(e.ran).as("run, lost, and run again").hasValue(3);
        }
    }

    @Test
    void shouldFollowMovedAtOnceAndNeverAnswerIt() throws Exception {
        FakeDataEndpoint to = endpoint(After.KEEP);
        InetSocketAddress target = to.address();
        try (ServerSocket old = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = old.accept()) {
                    RespReplyReader in = new RespReplyReader(s.getInputStream());
                    RespWriter out = new RespWriter(s.getOutputStream());
                    in.read();
                    out.write(Reply.OK);
                    out.flush();
                    in.read();
                    in.read();
                    out.write(SessionLink.frame(new Reply[] {Reply.error("MOVED 2 " + target.getHostString() + ":" + target.getPort())}));
                    out.flush();
                    in.read();
                } catch (IOException ignored) {
                    // done
                }
            });
            InetSocketAddress oldAddress = new InetSocketAddress(old.getInetAddress(), old.getLocalPort());
            try (ProcessForwarder f = new ProcessForwarder("p", () -> oldAddress, System::nanoTime, "", Idempotence.NONE)) {
                assertThat(f.forward(CLIENT, new Command[] {Command.of("SET", "a", "1")})).containsExactly(Reply.OK);
                assertThat(to.ran).hasValue(1);
            }
        }
    }

    @Test
    void shouldTakeTheCareOfAddressFromAMovedReplyAndNothingElse() {
        assertThat(ProcessForwarder.movedTo(Reply.error("MOVED 3 127.0.0.1:4711"))).isEqualTo(new InetSocketAddress("127.0.0.1", 4711));
        assertThat(ProcessForwarder.movedTo(Reply.error("TRYAGAIN node n1 lost its lease"))).isNull();
        assertThat(ProcessForwarder.movedTo(Reply.error("MOVED 3"))).isNull();
        assertThat(ProcessForwarder.movedTo(Reply.error("MOVED 3 nowhere"))).isNull();
        assertThat(ProcessForwarder.movedTo(Reply.bulk("MOVED 3 127.0.0.1:4711"))).isNull();
    }
}
