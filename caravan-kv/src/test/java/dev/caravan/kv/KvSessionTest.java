package dev.caravan.kv;

import dev.caravan.core.process.ClientRef;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Per-client connection state: HELLO, AUTH, CLIENT, RESET, QUIT, reply modes, limits, migration. */
class KvSessionTest {
    private static final ClientRef A = new ClientRef(101, "127.0.0.1:50001", "127.0.0.1:6379");
    private static final ClientRef B = new ClientRef(202, "127.0.0.1:50002", "127.0.0.1:6379");
    private static final String PASSWORD = "s3cret pass";

    private static Reply.Map helloMap(Reply r) {
        assertThat(r).isInstanceOf(Reply.Map.class);
        return (Reply.Map) r;
    }

    @Test
    void shouldAnswerResp3AfterHello3AndResp2AgainAfterReset() {
        try (KvHarness h = new KvHarness()) {
            h.run(A, "HSET", "h", "f", "v");
            Reply.Map hello = helloMap(h.run(A, "HELLO", "3"));
            assertThat(hello.keysAndValues()).containsExactly(
                    Reply.bulk("server"), Reply.bulk("redis"), Reply.bulk("version"), Reply.bulk("7.0.15"),
                    Reply.bulk("proto"), Reply.integer(3), Reply.bulk("id"), Reply.integer(1),
                    Reply.bulk("mode"), Reply.bulk("standalone"), Reply.bulk("role"), Reply.bulk("master"),
                    Reply.bulk("modules"), new Reply.Array(List.of()));
            assertThat(h.run(A, "GET", "missing")).isEqualTo(Reply.NULL);
            assertThat(h.run(B, "GET", "missing")).isEqualTo(Reply.NIL);
            assertThat(h.run(A, "CLIENT", "INFO")).isInstanceOf(Reply.Verbatim.class);
            assertThat(h.run(B, "CLIENT", "INFO")).isInstanceOf(Reply.Bulk.class);
            assertThat(h.run(A, "RESET")).isEqualTo(new Reply.Simple("RESET"));
            assertThat(h.run(A, "GET", "missing")).isEqualTo(Reply.NIL);
            Reply flat = h.run(A, "HELLO");
            assertThat(flat).isInstanceOf(Reply.Array.class);
            assertThat(((Reply.Array) flat).items()).hasSize(14).contains(Reply.integer(2));
        }
    }

    @Test
    void shouldWordHelloErrorsAsRedis() {
        try (KvHarness h = new KvHarness()) {
            assertThat(h.run(A, "HELLO", "4")).isEqualTo(Reply.error("NOPROTO unsupported protocol version"));
            assertThat(h.run(A, "HELLO", "x")).isEqualTo(Reply.error("ERR Protocol version is not an integer or out of range"));
            assertThat(h.run(A, "HELLO", "3", "FOO")).isEqualTo(Reply.error("ERR Syntax error in HELLO option 'FOO'"));
            assertThat(h.run(A, "HELLO", "3", "AUTH", "default")).isEqualTo(Reply.error("ERR Syntax error in HELLO option 'AUTH'"));
            assertThat(h.run(A, "HELLO", "3", "SETNAME", "a b")).isEqualTo(
                    Reply.error("ERR Client names cannot contain spaces, newlines or special characters."));
            assertThat(h.run(A, "GET", "missing")).as("a failed HELLO keeps RESP2").isEqualTo(Reply.NIL);
            helloMap(h.run(A, "HELLO", "3", "AUTH", "default", "anything", "SETNAME", "n1"));
            assertThat(h.run(A, "CLIENT", "GETNAME")).isEqualTo(Reply.bulk("n1"));
        }
    }

    @Test
    void shouldRequireThePasswordWhenOneIsConfigured() {
        try (KvHarness h = new KvHarness(Map.of(Password.CONFIG_KEY, Password.hash(PASSWORD)))) {
            Reply noauth = Reply.error("NOAUTH Authentication required.");
            assertThat(h.run(A, "GET", "k")).isEqualTo(noauth);
            assertThat(h.run(A, "PING")).isEqualTo(noauth);
            assertThat(h.run(A, "MULTI")).isEqualTo(noauth);
            assertThat(h.run(A, "FOO")).as("unknown before NOAUTH").isEqualTo(
                    Reply.error("ERR unknown command 'FOO', with args beginning with: "));
            assertThat(h.run(A, "GET")).as("arity before NOAUTH").isEqualTo(Reply.wrongArity("get"));
            assertThat(h.run(A, "HELLO", "3")).isEqualTo(Reply.error("NOAUTH HELLO must be called with the client already "
                    + "authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client "
                    + "and select the RESP protocol version at the same time"));
            Reply wrongpass = Reply.error("WRONGPASS invalid username-password pair or user is disabled.");
            assertThat(h.run(A, "AUTH", "wrong")).isEqualTo(wrongpass);
            assertThat(h.run(A, "AUTH", "bob", PASSWORD)).isEqualTo(wrongpass);
            assertThat(h.run(A, "HELLO", "3", "AUTH", "default", "wrong")).isEqualTo(wrongpass);
            assertThat(h.run(A, "AUTH", "a", "b", "c")).isEqualTo(Reply.error("ERR syntax error"));
            assertThat(h.run(A, "AUTH", PASSWORD)).isEqualTo(Reply.OK);
            assertThat(h.run(A, "SET", "k", "v")).isEqualTo(Reply.OK);
            assertThat(h.run(B, "GET", "k")).as("another connection is not authenticated").isEqualTo(noauth);
            helloMap(h.run(B, "HELLO", "3", "AUTH", "default", PASSWORD));
            assertThat(h.run(B, "GET", "k")).isEqualTo(Reply.bulk("v"));
            assertThat(h.run(A, "RESET")).isEqualTo(new Reply.Simple("RESET"));
            assertThat(h.run(A, "GET", "k")).as("RESET signs out").isEqualTo(noauth);
            assertThat(h.run(A, "QUIT")).isEqualTo(new Reply.Closing(Reply.OK));
            assertThat(h.run(ClientRef.NONE, "GET", "k")).as("no session: node CALL is trusted")
                    .isEqualTo(Reply.bulk("v"));
        }
    }

    @Test
    void shouldSayNoPasswordIsConfiguredAsRedisDoes() {
        try (KvHarness h = new KvHarness()) {
            assertThat(h.run(A, "AUTH", "x")).isEqualTo(Reply.error("ERR AUTH <password> called without any password "
                    + "configured for the default user. Are you sure your configuration is correct?"));
            assertThat(h.run(A, "AUTH", "default", "anything")).isEqualTo(Reply.OK);
            assertThat(h.run(A, "AUTH", "nobody", "anything")).isEqualTo(
                    Reply.error("WRONGPASS invalid username-password pair or user is disabled."));
        }
    }

    @Test
    void shouldRefuseAMalformedPasswordHash() {
        try (KvHarness ignored = new KvHarness()) {
            KvProcess kv = new KvProcess();
            assertThatThrownBy(() -> kv.onStart(new TestContext(ignored.memory, ignored.clock,
                    Map.of(Password.CONFIG_KEY, "not-a-hash"), id -> { }), false))
                    .isInstanceOf(CaravanException.class).hasMessageContaining(Password.CONFIG_KEY);
        }
    }

    @Test
    void shouldKeepNamesIdsAndLibrariesPerClient() {
        try (KvHarness h = new KvHarness()) {
            assertThat(h.run(A, "CLIENT", "SETNAME", "worker-1")).isEqualTo(Reply.OK);
            assertThat(h.run(B, "CLIENT", "GETNAME")).isEqualTo(Reply.NIL);
            assertThat(h.run(A, "CLIENT", "GETNAME")).isEqualTo(Reply.bulk("worker-1"));
            assertThat(h.run(A, "CLIENT", "ID")).isEqualTo(Reply.integer(1));
            assertThat(h.run(B, "CLIENT", "ID")).isEqualTo(Reply.integer(2));
            assertThat(h.run(A, "CLIENT", "SETNAME", "bad\nname")).isEqualTo(
                    Reply.error("ERR Client names cannot contain spaces, newlines or special characters."));
            assertThat(h.run(A, "CLIENT", "SETINFO", "LIB-NAME", "redis-py")).isEqualTo(Reply.OK);
            assertThat(h.run(A, "CLIENT", "SETINFO", "lib-ver", "5.0 1")).isEqualTo(
                    Reply.error("ERR lib-ver cannot contain spaces, newlines or special characters."));
            assertThat(h.run(A, "CLIENT", "SETINFO", "colour", "x")).isEqualTo(Reply.error("ERR Unrecognized option 'colour'"));
            assertThat(h.run(A, "CLIENT", "SETNAME", "n".repeat(513))).isEqualTo(
                    Reply.error("ERR client names longer than 512 bytes are not supported"));
            assertThat(h.run(A, "CLIENT", "NOSUCH")).isEqualTo(Reply.error("ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP."));
            assertThat(h.run(A, "CLIENT", "SETNAME")).isEqualTo(Reply.error("ERR wrong number of arguments for 'client|setname' command"));
            String list = ((Reply.Bulk) h.run(B, "CLIENT", "LIST")).text();
            assertThat(list.split("\n")).hasSize(2);
            assertThat(list).startsWith("id=1 addr=127.0.0.1:50001 laddr=127.0.0.1:6379 fd=-1 name=worker-1 age=0 idle=0 flags=N db=0 ")
                    .contains(" lib-name=redis-py lib-ver=\n")
                    .contains("id=2 addr=127.0.0.1:50002 ").contains(" cmd=client|list user=default redir=-1 resp=2 ");
            assertThat(list.lines().findFirst().orElseThrow().split(" ")).extracting(f -> f.substring(0, f.indexOf('=')))
                    .containsExactly("id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub",
                            "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem",
                            "tot-mem", "events", "cmd", "user", "redir", "resp", "lib-name", "lib-ver");
            assertThat(((Reply.Bulk) h.run(B, "CLIENT", "LIST", "ID", "2", "99")).text()).startsWith("id=2 ").doesNotContain("id=1 ");
            assertThat(h.run(B, "CLIENT", "LIST", "ID", "x")).isEqualTo(Reply.error("ERR Invalid client ID"));
            assertThat(((Reply.Bulk) h.run(B, "CLIENT", "LIST", "TYPE", "pubsub")).text()).isEmpty();
            assertThat(h.run(B, "CLIENT", "LIST", "TYPE", "odd")).isEqualTo(Reply.error("ERR Unknown client type 'odd'"));
        }
    }

    @Test
    void shouldStopReplyingAfterClientReplyOffAndSkipOne() {
        try (KvHarness h = new KvHarness()) {
            assertThat(h.run(A, "CLIENT", "REPLY", "OFF")).isEqualTo(Reply.SUPPRESSED);
            assertThat(h.run(A, "SET", "k", "1")).isEqualTo(Reply.SUPPRESSED);
            assertThat(h.run(A, "CLIENT", "REPLY", "SKIP")).as("SKIP while OFF").isEqualTo(Reply.SUPPRESSED);
            assertThat(h.run(A, "CLIENT", "REPLY", "ON")).isEqualTo(Reply.OK);
            assertThat(h.run(A, "CLIENT", "REPLY", "SKIP")).isEqualTo(Reply.SUPPRESSED);
            assertThat(h.run(A, "INCR", "k")).isEqualTo(Reply.SUPPRESSED);
            assertThat(h.run(A, "INCR", "k")).isEqualTo(Reply.integer(3));
            assertThat(h.run(B, "GET", "k")).as("other clients reply").isEqualTo(Reply.bulk("3"));
            h.run(A, "CLIENT", "REPLY", "SKIP");
            h.run(A, "CLIENT", "REPLY", "SKIP");
            assertThat(h.run(A, "PING", "1")).isEqualTo(Reply.SUPPRESSED);
            assertThat(h.run(A, "PING", "2")).isEqualTo(Reply.bulk("2"));
            h.run(A, "CLIENT", "REPLY", "OFF");
            assertThat(h.run(A, "RESET")).as("RESET turns replies on for its own reply").isEqualTo(new Reply.Simple("RESET"));
            assertThat(h.run(A, "CLIENT", "REPLY", "MAYBE")).isEqualTo(Reply.error("ERR syntax error"));
        }
    }

    @Test
    void shouldRunNothingAfterQuit() {
        try (KvHarness h = new KvHarness()) {
            assertThat(h.run(A, "QUIT", "with", "args")).isEqualTo(new Reply.Closing(Reply.OK));
            assertThat(h.run(A, "SET", "k", "v")).isEqualTo(new Reply.Closing(Reply.SUPPRESSED));
            assertThat(h.run(B, "EXISTS", "k")).isEqualTo(Reply.integer(0));
            h.kv.onClientClosed(A.sessionId());
            assertThat(h.run(A, "CLIENT", "ID")).as("a new connection with a fresh id").isEqualTo(Reply.integer(3));
        }
    }

    @Test
    void shouldKillOtherClientsAndItselfAsRedis() {
        try (KvHarness h = new KvHarness()) {
            h.run(A, "PING");
            h.run(B, "PING");
            h.run(B, "MULTI");
            h.run(B, "SET", "k", "from-b");
            assertThat(h.run(A, "CLIENT", "KILL", "ID", "0")).isEqualTo(Reply.error("ERR client-id should be greater than 0"));
            assertThat(h.run(A, "CLIENT", "KILL", "USER", "nobody")).isEqualTo(Reply.error("ERR No such user 'nobody'"));
            assertThat(h.run(A, "CLIENT", "KILL", "SKIPME", "maybe")).isEqualTo(Reply.error("ERR syntax error"));
            assertThat(h.run(A, "CLIENT", "KILL", "TYPE", "pubsub")).isEqualTo(Reply.integer(0));
            assertThat(h.run(A, "CLIENT", "KILL", "1.2.3.4:5")).isEqualTo(Reply.error("ERR No such client"));
            assertThat(h.run(A, "CLIENT", "KILL", "TYPE", "normal")).as("skips itself").isEqualTo(Reply.integer(1));
            assertThat(h.disconnected).containsExactly(B.sessionId());
            assertThat(h.run(B, "EXEC")).as("killed: runs nothing more").isEqualTo(new Reply.Closing(Reply.SUPPRESSED));
            assertThat(h.run(A, "EXISTS", "k")).isEqualTo(Reply.integer(0));
            assertThat(((Reply.Bulk) h.run(A, "CLIENT", "LIST")).text()).doesNotContain("id=2 ");
            assertThat(h.run(A, "CLIENT", "KILL", A.addr())).isEqualTo(new Reply.Closing(Reply.OK));
        }
    }

    @Test
    void shouldRefuseClientsBeyondMaxclients() {
        try (KvHarness h = new KvHarness()) {
            for (int i = 1; i <= ClientSessions.MAX_CLIENTS; i++) {
                assertThat(h.run(new ClientRef(i, "127.0.0.1:" + i, "l"), "PING")).isEqualTo(new Reply.Simple("PONG"));
            }
            ClientRef extra = new ClientRef(ClientSessions.MAX_CLIENTS + 1, "x:1", "l");
            assertThat(h.run(extra, "PING")).isEqualTo(new Reply.Closing(Reply.error("ERR max number of clients reached")));
            h.kv.onClientClosed(1);
            assertThat(h.run(extra, "PING")).isEqualTo(new Reply.Simple("PONG"));
        }
    }

    @Test
    void shouldRefuseConnectionStateWithoutASession() {
        try (KvHarness h = new KvHarness()) {
            for (String[] c : List.of(new String[] {"MULTI"}, new String[] {"WATCH", "k"}, new String[] {"HELLO", "3"},
                    new String[] {"CLIENT", "SETNAME", "x"}, new String[] {"CLIENT", "REPLY", "OFF"}, new String[] {"AUTH", "x"})) {
                assertThat(h.run(c)).as(String.join(" ", c)).isInstanceOf(Reply.Error.class)
                        .extracting(r -> ((Reply.Error) r).text()).asString().contains("no client connection");
            }
            assertThat(h.run("HELLO")).isInstanceOf(Reply.Array.class);
            assertThat(h.run("PING")).isEqualTo(new Reply.Simple("PONG"));
            assertThat(h.run("QUIT")).isEqualTo(Reply.OK);
            assertThat(h.run("SELECT", "0")).isEqualTo(Reply.OK);
        }
    }

    @Test
    void shouldReadTheStateOfTheVersionBeforeSessionsAndRefuseMalformedState() {
        KvProcess kv = new KvProcess();
        kv.readState(1, new dev.caravan.wire.BodyReader(new byte[0]));
        assertThat(kv.stateVersion()).isEqualTo(2);
        dev.caravan.wire.BodyWriter tooMany = new dev.caravan.wire.BodyWriter().i64(1).i32(ClientSessions.MAX_CLIENTS + 1);
        assertThatThrownBy(() -> new KvProcess().readState(2, new dev.caravan.wire.BodyReader(tooMany.toBytes())))
                .isInstanceOf(CaravanException.class).hasMessageContaining("client sessions");
        try (KvHarness h = new KvHarness()) {
            h.run(A, "MULTI");
            h.run(A, "SET", "k", "v");
            dev.caravan.wire.BodyWriter w = new dev.caravan.wire.BodyWriter();
            h.kv.writeState(w);
            byte[] state = w.toBytes();
            byte[] truncated = java.util.Arrays.copyOf(state, state.length - 3);
            assertThatThrownBy(() -> new KvProcess().readState(2, new dev.caravan.wire.BodyReader(truncated)))
                    .isInstanceOf(CaravanException.class);
            assertThatThrownBy(() -> new KvProcess().readState(3, new dev.caravan.wire.BodyReader(state)))
                    .isInstanceOf(CaravanException.class).hasMessageContaining("older kv");
        }
    }

    @Test
    void shouldCarryConnectionStateAcrossAMigration() {
        try (KvHarness h = new KvHarness(Map.of(Password.CONFIG_KEY, Password.hash(PASSWORD)))) {
            helloMap(h.run(A, "HELLO", "3", "AUTH", "default", PASSWORD, "SETNAME", "moving"));
            h.run(A, "CLIENT", "REPLY", "SKIP");
            h.run(B, "AUTH", PASSWORD);
            h.run(B, "CLIENT", "NO-EVICT", "on");
            try (KvHarness d = h.migrate()) {
                assertThat(d.run(A, "GET", "missing")).as("the skip carried").isEqualTo(Reply.SUPPRESSED);
                assertThat(d.run(A, "GET", "missing")).as("RESP3 carried").isEqualTo(Reply.NULL);
                assertThat(d.run(A, "CLIENT", "GETNAME")).isEqualTo(Reply.bulk("moving"));
                assertThat(d.run(B, "CLIENT", "ID")).isEqualTo(Reply.integer(2));
                assertThat(((Reply.Bulk) d.run(B, "CLIENT", "INFO")).text()).contains(" flags=e ");
                assertThat(d.run(new ClientRef(303, "c:3", "l"), "GET", "x")).as("auth is per client")
                        .isEqualTo(Reply.error("NOAUTH Authentication required."));
                assertThat(d.run(new ClientRef(303, "c:3", "l"), "HELLO", "2", "AUTH", "default", PASSWORD))
                        .as("the id counter carried").asString().contains("Int[value=3]");
            }
        }
    }
}
