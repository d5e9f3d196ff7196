package dev.caravan.servers.resp;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint's reading of AUTH and HELLO replies against what redis-server 7.0.15 (password
 * "pw") did to the connection for each request: the replies here are its bytes, and whether the
 * next PING was answered PONG (authenticated) or NOAUTH.
 */
class ClientAuthTest {
    private static Reply error(String text) {
        return Reply.error(text);
    }

    private static final Reply HELLO_MAP = new Reply.Map(List.of(Reply.bulk("server"), Reply.bulk("redis")));

    @Test
    void authIsAuthenticatedOnlyByOk() {
        assertThat(ClientAuth.byAuth(Reply.OK)).isTrue();
        assertThat(ClientAuth.byAuth(error("WRONGPASS invalid username-password pair or user is disabled."))).isFalse();
        assertThat(ClientAuth.byAuth(error("ERR wrong number of arguments for 'auth' command"))).isFalse();
    }

    @Test
    void helloAnsweredWithoutAnErrorAuthenticates() {
        assertThat(ClientAuth.byHello(Command.of("HELLO", "3", "AUTH", "default", "pw"), HELLO_MAP)).isTrue();
    }

    @Test
    void helloErrorAfterItsAuthOptionLeavesTheClientAuthenticatedAsRedisDoes() {
        assertThat(ClientAuth.byHello(Command.of("HELLO", "2", "AUTH", "default", "pw", "BADOPT"),
                error("ERR Syntax error in HELLO option 'BADOPT'"))).isTrue();
        assertThat(ClientAuth.byHello(Command.of("HELLO", "2", "AUTH", "default", "pw", "SETNAME", "a b"),
                error("ERR Client names cannot contain spaces, newlines or special characters."))).isTrue();
        assertThat(ClientAuth.byHello(Command.of("HELLO", "2", "SETNAME", "ok", "AUTH", "default", "pw", "BAD"),
                error("ERR Syntax error in HELLO option 'BAD'"))).isTrue();
        assertThat(ClientAuth.byHello(Command.of("HELLO", "2", "AUTH", "default", "pw", "SETNAME"),
                error("ERR Syntax error in HELLO option 'SETNAME'"))).isTrue();
    }

    @Test
    void helloErrorBeforeItsAuthOptionOrAboutThePasswordDoesNot() {
        assertThat(ClientAuth.byHello(Command.of("HELLO", "2", "SETNAME", "a b", "AUTH", "default", "pw"),
                error("ERR Client names cannot contain spaces, newlines or special characters."))).isFalse();
        assertThat(ClientAuth.byHello(Command.of("HELLO", "2", "BAD", "AUTH", "default", "pw"),
                error("ERR Syntax error in HELLO option 'BAD'"))).isFalse();
        assertThat(ClientAuth.byHello(Command.of("HELLO", "2", "AUTH", "default", "wrong", "SETNAME", "ok"),
                error("WRONGPASS invalid username-password pair or user is disabled."))).isFalse();
        assertThat(ClientAuth.byHello(Command.of("HELLO", "4", "AUTH", "default", "pw"),
                error("NOPROTO unsupported protocol version"))).isFalse();
        assertThat(ClientAuth.byHello(Command.of("HELLO", "x", "AUTH", "default", "pw"),
                error("ERR Protocol version is not an integer or out of range"))).isFalse();
        assertThat(ClientAuth.byHello(Command.of("HELLO", "2", "AUTH", "default"),
                error("ERR Syntax error in HELLO option 'AUTH'"))).isFalse();
        assertThat(ClientAuth.byHello(Command.of("HELLO", "3"), error("NOAUTH HELLO must be called with the client already "
                + "authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and "
                + "select the RESP protocol version at the same time"))).isFalse();
    }
}
