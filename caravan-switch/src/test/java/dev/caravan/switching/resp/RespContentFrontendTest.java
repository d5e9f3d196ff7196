package dev.caravan.switching.resp;

import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.switching.transport.TestSwitchContext;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespReplyReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The content-aware RESP front end over three fake shards (real sockets, session links). */
class RespContentFrontendTest {
    private final List<ShardBackend> shards = new ArrayList<>();
    private KeyDispatcher dispatcher;
    private RespContentFrontend front;

    @BeforeEach
    void start() {
        for (int i = 0; i < 3; i++) {
            shards.add(new ShardBackend("kv-" + i));
        }
        dispatcher = new KeyDispatcher(shards.stream().map(ShardBackend::backend).toList());
        front = frontWith(List.of(route(null)), Map.of());
    }

    @AfterEach
    void stop() {
        if (front != null) {
            front.close();
        }
        shards.forEach(ShardBackend::close);
    }

    private static Route route(String keyPrefix) {
        return new Route(new Route.RouteMatch(null, null, null, null, null, null, keyPrefix),
                BackendSelector.parse("label:service=kvs"), PolicyKind.AFFINITY,
                new Route.AffinitySource(Route.AffinitySource.Kind.RESP_KEY, null));
    }

    private RespContentFrontend frontWith(List<Route> routes, Map<Route, Dispatcher> others) {
        Map<Route, Dispatcher> all = new java.util.HashMap<>(others);
        for (Route r : routes) {
            all.putIfAbsent(r, dispatcher);
        }
        FrontendSpec spec = new FrontendSpec("kvs", new InetSocketAddress("127.0.0.1", 0), FrontendProtocol.RESP,
                DispatchMode.CONTENT, routes, null);
        return new RespContentFrontend(spec, new TestSwitchContext(all));
    }

    /** A RESP client; {@link #pipeline} writes every command, then reads every reply. */
    static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final RespCommandWriter out;
        final RespReplyReader in;

        Client(InetSocketAddress at) throws IOException {
            socket.connect(at, 5000);
            socket.setSoTimeout(10_000);
            out = new RespCommandWriter(new BufferedOutputStream(socket.getOutputStream()));
            in = new RespReplyReader(socket.getInputStream());
        }

        List<Reply> pipeline(List<Command> commands) throws IOException {
            for (Command c : commands) {
                out.write(c);
            }
            out.flush();
            List<Reply> replies = new ArrayList<>();
            for (int i = 0; i < commands.size(); i++) {
                replies.add(in.read());
            }
            return replies;
        }

        Reply call(String... args) throws IOException {
            return pipeline(List.of(Command.of(args))).getFirst();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void shouldPutEveryKeyOnExactlyTheBackendItsDispatcherPicks() throws Exception {
        List<Command> sets = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sets.add(Command.of("SET", "key:" + i, "v" + i));
        }
        try (Client c = new Client(front.address())) {
            assertThat(c.pipeline(sets)).allMatch(Reply.OK::equals);
            for (int i = 0; i < 300; i++) {
                String key = "key:" + i;
                int home = KeyDispatcher.backendIndex(key, 3);
                for (int s = 0; s < 3; s++) {
                    assertThat(shards.get(s).data.containsKey(key)).as(key + " on shard " + s).isEqualTo(s == home);
                }
                assertThat(c.call("GET", key)).isEqualTo(Reply.bulk("v" + i));
            }
        }
        assertThat(shards.stream().mapToInt(s -> s.data.size()).sum()).isEqualTo(300);
        assertThat(front.dispatched()).isEqualTo(600);
        await().atMost(5, TimeUnit.SECONDS).until(() -> dispatcher.open.get() == 0);
    }

    @Test
    void shouldAnswerAPipelineInRequestOrderWhenAnEarlierBackendIsSlower() throws Exception {
        try (Client c = new Client(front.address())) {
            List<Reply> replies = c.pipeline(List.of(Command.of("SLOW", "0a", "200"), Command.of("WHO", "1b"),
                    Command.of("WHO", "2c"), Command.of("PING"), Command.of("SLOW", "1d", "50"), Command.of("WHO", "0e"),
                    Command.of("ECHO", "hi")));
            assertThat(replies).containsExactly(Reply.bulk("kv-0"), Reply.bulk("kv-1"), Reply.bulk("kv-2"),
                    new Reply.Simple("PONG"), Reply.bulk("kv-1"), Reply.bulk("kv-0"), Reply.bulk("hi"));
        }
    }

    @Test
    void shouldRefuseMultiKeyCommandsAcrossBackendsWithCrossslotAndRunThemOnOneBackend() throws Exception {
        try (Client c = new Client(front.address())) {
            assertThat(c.call("MSET", "0a", "1", "1b", "2")).isEqualTo(Reply.error(KeyRouter.CROSSSLOT));
            assertThat(shards.stream().mapToInt(s -> s.data.size()).sum()).as("nothing written").isZero();
            assertThat(c.call("MSET", "0a", "1", "0b", "2")).isEqualTo(Reply.OK);
            assertThat(shards.getFirst().data).containsEntry("0a", "1").containsEntry("0b", "2");
            assertThat(c.call("BLPOP", "0a", "2x", "0")).as("blocking across shards").isEqualTo(Reply.error(KeyRouter.CROSSSLOT));
            assertThat(c.call("ZUNIONSTORE", "0d", "2", "0a", "1b")).isEqualTo(Reply.error(KeyRouter.CROSSSLOT));
        }
        assertThat(front.refused()).as("CROSSSLOT is the client's error, not a refused dispatch").isZero();
        await().atMost(5, TimeUnit.SECONDS).until(() -> dispatcher.open.get() == 0);
    }

    @Test
    void shouldAnswerOrRefuseKeylessCommandsAtTheSwitch() throws Exception {
        try (Client c = new Client(front.address())) {
            assertThat(c.call("PING")).isEqualTo(new Reply.Simple("PONG"));
            assertThat(c.call("PING", "a", "b")).isEqualTo(Reply.error("ERR wrong number of arguments for 'ping' command"));
            assertThat(c.call("SELECT", "0")).isEqualTo(Reply.OK);
            assertThat(c.call("SELECT", "1")).isEqualTo(Reply.error("ERR SELECT is not allowed in cluster mode"));
            assertThat(c.call("MULTI")).isInstanceOf(Reply.Error.class);
            assertThat(c.call("WATCH", "0a")).isInstanceOf(Reply.Error.class);
            assertThat(c.call("DBSIZE")).isInstanceOf(Reply.Error.class);
            assertThat(c.call("CONFIG", "GET", "save")).as("sent to the client's home backend")
                    .isIn(Reply.bulk("config of kv-0"), Reply.bulk("config of kv-1"), Reply.bulk("config of kv-2"));
            assertThat(c.call("QUIT")).isEqualTo(Reply.OK);
            assertThat(c.socket.getInputStream().read()).as("closed after QUIT").isEqualTo(-1);
        }
    }

    @Test
    void shouldApplyHelloAuthAndClientNameOnEveryBackendTheClientReaches() throws Exception {
        try (Client c = new Client(front.address()); Client other = new Client(front.address())) {
            assertThat(c.call("WHO", "0a")).isEqualTo(Reply.bulk("kv-0"));
            List<Reply> replies = c.pipeline(List.of(Command.of("AUTH", "pw"), Command.of("CLIENT", "SETNAME", "alice"),
                    Command.of("HELLO", "3"), Command.of("NAME", "0a"), Command.of("NAME", "1a"), Command.of("PROTO", "2a")));
            assertThat(replies.get(0)).isEqualTo(Reply.OK);
            assertThat(replies.get(1)).isEqualTo(Reply.OK);
            assertThat(replies.subList(3, 6)).containsExactly(Reply.bulk("alice"), Reply.bulk("alice"), Reply.bulk("3"));
            assertThat(c.call("AUTH", "wrong")).isInstanceOf(Reply.Error.class);
            assertThat(other.call("NAME", "1a")).as("another client's sessions are its own").isEqualTo(Reply.bulk(""));
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> shards.stream().allMatch(s -> !s.closedSessions.isEmpty()));
    }

    @Test
    void shouldRouteByKeyPrefixThroughTheFirstMatchingRoute() throws Exception {
        front.close();
        KeyDispatcher onlyLast = new KeyDispatcher(List.of(shards.get(2).backend()));
        Route users = route("user:");
        Route rest = route(null);
        front = frontWith(List.of(users, rest), Map.of(users, onlyLast));
        try (Client c = new Client(front.address())) {
            assertThat(c.call("WHO", "user:0")).isEqualTo(Reply.bulk("kv-2"));
            assertThat(c.call("WHO", "0user:")).isEqualTo(Reply.bulk("kv-0"));
        }
    }

    @Test
    void shouldCloseOnlyTheClientThatSentMalformedRespAndKeepServingOthers() throws Exception {
        try (Client good = new Client(front.address()); Client bad = new Client(front.address())) {
            assertThat(good.call("SET", "0k", "v")).isEqualTo(Reply.OK);
            bad.socket.getOutputStream().write("*1\r\n$x\r\n".getBytes(StandardCharsets.US_ASCII));
            bad.socket.getOutputStream().flush();
            Reply r = bad.in.read();
            assertThat(r).isInstanceOf(Reply.Error.class);
            assertThat(((Reply.Error) r).text()).startsWith("ERR Protocol error");
            assertThat(bad.socket.getInputStream().read()).isEqualTo(-1);
            assertThat(good.call("GET", "0k")).isEqualTo(Reply.bulk("v"));
        }
    }

    @Test
    void shouldAnswerEachCommandWithTheDispatchErrorWhenNoBackendIsEligible() throws Exception {
        front.close();
        Route only = route(null);
        front = frontWith(List.of(only), Map.of(only, new KeyDispatcher(List.of())));
        try (Client c = new Client(front.address())) {
            assertThat(c.pipeline(List.of(Command.of("GET", "a"), Command.of("PING"))))
                    .containsExactly(Reply.error("ERR no eligible backend in the set"), new Reply.Simple("PONG"));
        }
        assertThat(front.refused()).isEqualTo(1);
    }
}
