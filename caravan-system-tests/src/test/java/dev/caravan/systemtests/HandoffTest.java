package dev.caravan.systemtests;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.RemoteNamingService;
import dev.caravan.servers.handoff.HandoffCodec;
import dev.caravan.servers.handoff.HandoffReply;
import dev.caravan.switching.Backend;
import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.SwitchContext;
import dev.caravan.switching.handoff.HandoffFrontend;
import dev.caravan.switching.policy.DispatchKey;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespReplyReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TCP handoff between a HANDOFF front end (in this JVM, with a hand-made dispatcher that picks
 * the kv process) and a real node JVM: the node adopts the client's live connection and
 * answers it directly; the switch saw only the first request. Without the node's handoff
 * socket the switch splices; a malformed handoff message is refused and the node keeps serving.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HandoffTest {
    private static CaravanCluster cluster;
    private static NamingService naming;
    private static ProcessInfo kv;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(1).start();
        kv = cluster.deployKv("kv1", "n1");
        naming = new RemoteNamingService(cluster.namingAddress(), new Hello("handoff-test", ""), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (naming != null) {
            naming.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A switch context whose only dispatcher always picks kv1 on n1. */
    private static final class OneBackend implements SwitchContext, Dispatcher {
        final AtomicInteger open = new AtomicInteger();
        final Backend backend = new Backend("kv1", CaravanCluster.dataAddress(kv), "n1", Map.of());

        @Override
        public Dispatcher dispatcher(FrontendSpec frontend, Route route) {
            return this;
        }

        @Override
        public CompletableFuture<Ticket> dispatch(DispatchKey key) {
            open.incrementAndGet();
            return CompletableFuture.completedFuture(new Ticket() {
                private boolean closed;

                @Override
                public Backend backend() {
                    return backend;
                }

                @Override
                public void onSuccess(long latencyNs) {
                }

                @Override
                public void onFailure(String why) {
                }

                @Override
                public void close() {
                    if (!closed) {
                        closed = true;
                        open.decrementAndGet();
                    }
                }
            });
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
    }

    private static HandoffFrontend frontend(OneBackend context) {
        FrontendSpec spec = new FrontendSpec("kv-handoff", new InetSocketAddress("127.0.0.1", 0), FrontendProtocol.RESP,
                DispatchMode.HANDOFF, List.of(new Route(Route.RouteMatch.ANY, BackendSelector.parse("name:kv1"),
                PolicyKind.ROUND_ROBIN, null)), null);
        return new HandoffFrontend(spec, context);
    }

    private static byte[] encode(List<Command> commands) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RespCommandWriter w = new RespCommandWriter(bytes);
        for (Command c : commands) {
            w.write(c);
        }
        w.flush();
        return bytes.toByteArray();
    }

    /** Sends a first command and 999 pipelined ones in one write; checks every reply in order. */
    private static void pipelineThrough(Socket s, String prefix) throws IOException {
        List<Command> commands = new java.util.ArrayList<>();
        commands.add(Command.of("SET", prefix + "first", "1"));
        for (int i = 0; i < 999; i++) {
            commands.add(i % 2 == 0 ? Command.of("SET", prefix + i, "v" + i) : Command.of("GET", prefix + (i - 1)));
        }
        s.getOutputStream().write(encode(commands));
        s.getOutputStream().flush();
        RespReplyReader r = new RespReplyReader(s.getInputStream());
        assertThat(r.read()).isEqualTo(new Reply.Simple("OK"));
        for (int i = 0; i < 999; i++) {
            Reply reply = r.read();
            if (i % 2 == 0) {
                assertThat(reply).isEqualTo(new Reply.Simple("OK"));
            } else {
                assertThat(((Reply.Bulk) reply).text()).isEqualTo("v" + (i - 1));
            }
        }
    }

    private static String call(Socket s, String... args) throws IOException {
        s.getOutputStream().write(encode(List.of(Command.of(args))));
        s.getOutputStream().flush();
        Reply reply = new RespReplyReader(s.getInputStream()).read();
        return reply instanceof Reply.Bulk b ? b.text() : reply.toString();
    }

    private static Path handoffSocket() {
        return Path.of(naming.lookup("node/n1").orElseThrow().attribute("handoff"));
    }

    @Test
    @Order(1)
    void shouldHandTheClientToTheNodeWhichAnswersEveryPipelinedCommandDirectly() throws Exception {
        OneBackend context = new OneBackend();
        int firstRequestBytes = encode(List.of(Command.of("SET", "a:first", "1"))).length;
        try (Socket client = new Socket()) {
            try (HandoffFrontend front = frontend(context)) {
                client.connect(front.address(), 5_000);
                client.setSoTimeout(10_000);
                pipelineThrough(client, "a:");
                assertThat(front.handedOff()).isEqualTo(1);
                assertThat(front.fallenBack()).isZero();
                assertThat(front.firstRequestBytes()).as("the switch read the first command only").isEqualTo(firstRequestBytes);
                assertThat(front.splicedBytes()).isZero();
                assertThat(front.clientConnections()).as("the switch holds no client connection").isZero();
                assertThat(context.open.get()).as("the ticket is closed once the node acked").isZero();
            }
            // The switch is gone; the client's connection lives on at the process, which sees the client itself.
            assertThat(call(client, "PING")).isEqualTo(new Reply.Simple("PONG").toString());
            String clients = call(client, "CLIENT", "LIST");
            assertThat(clients).contains("addr=127.0.0.1:" + client.getLocalPort())
                    .contains("laddr=" + client.getInetAddress().getHostAddress() + ":" + client.getPort());
            assertThat(call(client, "GET", "a:0")).isEqualTo("v0");
        }
    }

    @Test
    @Order(2)
    void shouldRefuseAMalformedHandoffMessageAndKeepServing() throws Exception {
        try (AFUNIXSocket bad = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(handoffSocket().toFile()))) {
            bad.setSoTimeout(10_000);
            OutputStream out = bad.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: node\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            HandoffReply reply = HandoffCodec.readReply(bad.getInputStream());
            assertThat(reply.error()).isEqualTo(ErrorCode.MALFORMED);
            int next;
            try {
                next = bad.getInputStream().read();
            } catch (java.net.SocketException reset) {
                next = -1;
            }
            assertThat(next).as("the node ends a connection that sent garbage").isEqualTo(-1);
        }
        try (AFUNIXSocket noDescriptor = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(handoffSocket().toFile()))) {
            noDescriptor.setSoTimeout(10_000);
            noDescriptor.getOutputStream().write(HandoffCodec.encode(new dev.caravan.servers.handoff.HandoffRequest("", "kv1", 0,
                    false, new InetSocketAddress("127.0.0.1", 1), new byte[0])));
            assertThat(HandoffCodec.readReply(noDescriptor.getInputStream()).error()).isEqualTo(ErrorCode.MALFORMED);
        }
        OneBackend context = new OneBackend();
        try (HandoffFrontend front = frontend(context); Socket client = new Socket()) {
            client.connect(front.address(), 5_000);
            client.setSoTimeout(10_000);
            pipelineThrough(client, "b:");
            assertThat(front.handedOff()).isEqualTo(1);
        }
        try (Socket direct = new Socket()) {
            direct.connect(CaravanCluster.dataAddress(kv), 5_000);
            direct.setSoTimeout(10_000);
            assertThat(call(direct, "GET", "b:0")).isEqualTo("v0");
        }
    }

    @Test
    @Order(3)
    void shouldSpliceWhenTheNodesHandoffSocketIsMissing() throws Exception {
        Path socket = handoffSocket();
        Files.delete(socket);
        OneBackend context = new OneBackend();
        try (HandoffFrontend front = frontend(context); Socket client = new Socket()) {
            client.connect(front.address(), 5_000);
            client.setSoTimeout(10_000);
            pipelineThrough(client, "c:");
            assertThat(front.handedOff()).isZero();
            assertThat(front.fallenBack()).isEqualTo(1);
            assertThat(front.splicedBytes()).as("the switch relays the rest itself").isGreaterThan(1000);
            assertThat(call(client, "GET", "c:0")).isEqualTo("v0");
        }
        assertThat(new File(socket.toString())).doesNotExist();
    }
}
