package dev.caravan.switching.resp;

import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.switching.Backend;
import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The content-aware RESP front end over three fake shards {@code kv-0..2} (real sockets, session
 * links) listed in an in-memory naming, behind a context whose dispatchers never find a backend.
 */
class RespContentFrontendTest {
    private static final Route.AffinitySource BY_KEY = new Route.AffinitySource(Route.AffinitySource.Kind.RESP_KEY, null);
    private final List<ShardBackend> shards = new ArrayList<>();
    private final LocalNamingService naming = new LocalNamingService();
    private final long lease = naming.openLease("test", 60_000).id();
    private final ShardContext context = new ShardContext(naming);
    private RespContentFrontend front;

    @BeforeEach
    void start() {
        for (int i = 0; i < 3; i++) {
            ShardBackend shard = new ShardBackend("kv-" + i);
            shards.add(shard);
            register(shard, 1, Map.of("label.service", "kvs"));
        }
        front = frontWith(List.of(route(null, "label:service=kvs")));
    }

    @AfterEach
    void stop() {
        if (front != null) {
            front.close();
        }
        shards.forEach(ShardBackend::close);
        naming.close();
    }

    private void register(ShardBackend shard, long epoch, Map<String, String> attributes) {
        naming.register(lease, new NamingEntry("process/" + shard.name, "n1", "127.0.0.1",
                shard.backend().address().getPort(), epoch, attributes));
    }

    private static Route route(String keyPrefix, String backends) {
        return new Route(new Route.RouteMatch(null, null, null, null, null, null, keyPrefix),
                BackendSelector.parse(backends), PolicyKind.AFFINITY, BY_KEY);
    }

    private RespContentFrontend frontWith(List<Route> routes) {
        FrontendSpec spec = new FrontendSpec("kvs", new InetSocketAddress("127.0.0.1", 0), FrontendProtocol.RESP,
                DispatchMode.CONTENT, routes, null);
        return new RespContentFrontend(spec, context);
    }

    /** The home of {@code key} among {@code ids}, as the front end places it. */
    private static String homeOf(String key, List<String> ids) {
        List<Backend> members = ids.stream().map(id -> new Backend(id, new InetSocketAddress("127.0.0.1", 1), "n1",
                Map.<String, String>of())).toList();
        long[] hashes = ids.stream().mapToLong(KeyPlacement::memberHash).toArray();
        return KeyPlacement.homeOf(key.getBytes(StandardCharsets.UTF_8), members, hashes).id();
    }

    private static final List<String> ALL = List.of("kv-0", "kv-1", "kv-2");

    /** A key ({@code tag} and a number) whose home among kv-0..2 is kv-{@code shard}. */
    private static String keyOn(int shard, String tag) {
        for (int n = 0; ; n++) {
            String key = tag + n;
            if (homeOf(key, ALL).equals("kv-" + shard)) {
                return key;
            }
        }
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
    void shouldPutEveryKeyOnItsHomeAmongTheMembersAndNeverAskTheDispatcher() throws Exception {
        List<Command> sets = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sets.add(Command.of("SET", "key:" + i, "v" + i));
        }
        try (Client c = new Client(front.address())) {
            assertThat(c.pipeline(sets)).allMatch(Reply.OK::equals);
            for (int i = 0; i < 300; i++) {
                String key = "key:" + i;
                String home = homeOf(key, ALL);
                for (ShardBackend s : shards) {
                    assertThat(s.data.containsKey(key)).as(key + " on " + s.name).isEqualTo(s.name.equals(home));
                }
                assertThat(c.call("GET", key)).isEqualTo(Reply.bulk("v" + i));
            }
        }
        assertThat(shards.stream().mapToInt(s -> s.data.size()).sum()).isEqualTo(300);
        assertThat(shards).allSatisfy(s -> assertThat(s.data).as(s.name).hasSizeBetween(60, 140));
        assertThat(front.dispatched()).isEqualTo(600);
        assertThat(front.refused()).isZero();
        assertThat(context.dispatches()).as("the pool never chooses a key's shard").hasValue(0);
    }

    @Test
    void shouldAnswerAPipelineInRequestOrderWhenAnEarlierBackendIsSlower() throws Exception {
        try (Client c = new Client(front.address())) {
            List<Reply> replies = c.pipeline(List.of(Command.of("SLOW", keyOn(0, "a"), "200"), Command.of("WHO", keyOn(1, "b")),
                    Command.of("WHO", keyOn(2, "c")), Command.of("PING"), Command.of("SLOW", keyOn(1, "d"), "50"), Command.of("WHO", keyOn(0, "e")),
                    Command.of("ECHO", "hi")));
            assertThat(replies).containsExactly(Reply.bulk("kv-0"), Reply.bulk("kv-1"), Reply.bulk("kv-2"),
                    new Reply.Simple("PONG"), Reply.bulk("kv-1"), Reply.bulk("kv-0"), Reply.bulk("hi"));
        }
    }

    @Test
    void shouldRefuseMultiKeyCommandsAcrossBackendsWithCrossslotAndRunThemOnOneBackend() throws Exception {
        try (Client c = new Client(front.address())) {
            assertThat(c.call("MSET", keyOn(0, "a"), "1", keyOn(1, "b"), "2")).isEqualTo(Reply.error(KeyRouter.CROSSSLOT));
            assertThat(shards.stream().mapToInt(s -> s.data.size()).sum()).as("nothing written").isZero();
            assertThat(c.call("MSET", keyOn(0, "a"), "1", keyOn(0, "b"), "2")).isEqualTo(Reply.OK);
            assertThat(shards.getFirst().data).containsEntry(keyOn(0, "a"), "1").containsEntry(keyOn(0, "b"), "2");
            assertThat(c.call("BLPOP", keyOn(0, "a"), keyOn(2, "x"), "0")).as("blocking across shards").isEqualTo(Reply.error(KeyRouter.CROSSSLOT));
            assertThat(c.call("ZUNIONSTORE", keyOn(0, "d"), "2", keyOn(0, "a"), keyOn(1, "b"))).isEqualTo(Reply.error(KeyRouter.CROSSSLOT));
        }
        assertThat(front.refused()).as("CROSSSLOT is the client's error, not a refused dispatch").isZero();
    }

    @Test
    void shouldAnswerOrRefuseKeylessCommandsAtTheSwitch() throws Exception {
        try (Client c = new Client(front.address())) {
            assertThat(c.call("PING")).isEqualTo(new Reply.Simple("PONG"));
            assertThat(c.call("PING", "a", "b")).isEqualTo(Reply.error("ERR wrong number of arguments for 'ping' command"));
            assertThat(c.call("SELECT", "0")).isEqualTo(Reply.OK);
            assertThat(c.call("SELECT", "1")).isEqualTo(Reply.error("ERR SELECT is not allowed in cluster mode"));
            assertThat(c.call("MULTI")).isInstanceOf(Reply.Error.class);
            assertThat(c.call("WATCH", keyOn(0, "a"))).isInstanceOf(Reply.Error.class);
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
            assertThat(c.call("WHO", keyOn(0, "a"))).isEqualTo(Reply.bulk("kv-0"));
            List<Reply> replies = c.pipeline(List.of(Command.of("AUTH", "pw"), Command.of("CLIENT", "SETNAME", "alice"),
                    Command.of("HELLO", "3"), Command.of("NAME", keyOn(0, "a")), Command.of("NAME", keyOn(1, "a")), Command.of("PROTO", keyOn(2, "a"))));
            assertThat(replies.get(0)).isEqualTo(Reply.OK);
            assertThat(replies.get(1)).isEqualTo(Reply.OK);
            assertThat(replies.subList(3, 6)).containsExactly(Reply.bulk("alice"), Reply.bulk("alice"), Reply.bulk("3"));
            assertThat(c.call("AUTH", "wrong")).isInstanceOf(Reply.Error.class);
            assertThat(other.call("NAME", keyOn(1, "a"))).as("another client's sessions are its own").isEqualTo(Reply.bulk(""));
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> shards.stream().allMatch(s -> !s.closedSessions.isEmpty()));
    }

    @Test
    void shouldRouteByKeyPrefixThroughTheFirstMatchingRoute() throws Exception {
        front.close();
        front = frontWith(List.of(route("user:", "name:kv-2"), route(null, "label:service=kvs")));
        try (Client c = new Client(front.address())) {
            for (int i = 0; i < 20; i++) {
                assertThat(c.call("WHO", "user:" + i)).isEqualTo(Reply.bulk("kv-2"));
            }
            String other = keyOn(0, "user");
            assertThat(c.call("WHO", other)).as(other + " matches no prefix: the second route").isEqualTo(Reply.bulk("kv-0"));
        }
    }

    @Test
    void shouldCloseOnlyTheClientThatSentMalformedRespAndKeepServingOthers() throws Exception {
        try (Client good = new Client(front.address()); Client bad = new Client(front.address())) {
            assertThat(good.call("SET", keyOn(0, "k"), "v")).isEqualTo(Reply.OK);
            bad.socket.getOutputStream().write("*1\r\n$x\r\n".getBytes(StandardCharsets.US_ASCII));
            bad.socket.getOutputStream().flush();
            Reply r = bad.in.read();
            assertThat(r).isInstanceOf(Reply.Error.class);
            assertThat(((Reply.Error) r).text()).startsWith("ERR Protocol error");
            assertThat(bad.socket.getInputStream().read()).isEqualTo(-1);
            assertThat(good.call("GET", keyOn(0, "k"))).isEqualTo(Reply.bulk("v"));
        }
    }

    @Test
    void shouldAnswerEachCommandOfARouteWithNoMemberWithAnError() throws Exception {
        front.close();
        front = frontWith(List.of(route(null, "label:service=none")));
        try (Client c = new Client(front.address())) {
            assertThat(c.pipeline(List.of(Command.of("GET", "a"), Command.of("PING")))).containsExactly(
                    Reply.error("ERR no backend of front end kvs route 0 is in naming; deploy the processes its backends select"),
                    new Reply.Simple("PONG"));
        }
        assertThat(front.refused()).isEqualTo(1);
    }

    @Test
    void shouldKeepEveryKeyOnItsShardWhileTheShardMovesAndMoveOnlyALeavingShardsKeys() throws Exception {
        try (Client c = new Client(front.address())) {
            List<Command> incrs = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                incrs.add(Command.of("INCR", "n:" + i));
            }
            assertThat(c.pipeline(incrs)).allMatch(Reply.integer(1)::equals);
            // kv-1 "moves": its entry is rewritten at a higher epoch (a migration's commit); its keys stay its own.
            register(shards.get(1), 2, Map.of("label.service", "kvs", "moved", "yes"));
            assertThat(c.pipeline(incrs)).as("every count on the shard it started on").allMatch(Reply.integer(2)::equals);
            // kv-1 leaves the set (its label changes): only its keys move, each to its next home.
            register(shards.get(1), 3, Map.of("label.service", "other"));
            await().atMost(5, TimeUnit.SECONDS).until(() -> c.call("WHO", keyOn(1, "m")).equals(
                    Reply.bulk(homeOf(keyOn(1, "m"), List.of("kv-0", "kv-2")))));
            List<Reply> replies = c.pipeline(incrs);
            for (int i = 0; i < 60; i++) {
                boolean wasOnKv1 = homeOf("n:" + i, ALL).equals("kv-1");
                assertThat(replies.get(i)).as("n:" + i).isEqualTo(Reply.integer(wasOnKv1 ? 1 : 3));
            }
        }
    }

    @Test
    void shouldRefuseARoutePolicyOtherThanAffinityByKey() {
        front.close();
        front = null;
        for (Route r : List.of(new Route(Route.RouteMatch.ANY, BackendSelector.parse("label:service=kvs"), PolicyKind.ROUND_ROBIN, null),
                new Route(Route.RouteMatch.ANY, BackendSelector.parse("label:service=kvs"), PolicyKind.CONSISTENT_HASH, BY_KEY),
                new Route(Route.RouteMatch.ANY, BackendSelector.parse("label:service=kvs"), PolicyKind.AFFINITY, null))) {
            assertThatThrownBy(() -> frontWith(List.of(r))).isInstanceOfSatisfying(CaravanException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.getMessage()).contains("use \"policy\": \"affinity\" with \"affinity\": {\"source\": \"resp-key\"}");
            });
        }
    }
}
