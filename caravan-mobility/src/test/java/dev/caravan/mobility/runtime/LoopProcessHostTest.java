package dev.caravan.mobility.runtime;

import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.core.process.ClientRef;
import dev.caravan.mobility.continuation.Suspension;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoopProcessHostTest {
    private static final TestEnhancer ENHANCED = new TestEnhancer("dev.caravan.mobility.fixtures");
    private static final ClientRef CLIENT = new ClientRef(7, "127.0.0.1:5000", "127.0.0.1:6000");

    static LoopProcessHost newHost() {
        return new LoopProcessHost(ENHANCED.newInstance("SumLoop", LoopProcess.class), "abc123");
    }

    static String send(LoopProcessHost host, String... parts) {
        Reply r = host.onCommand(CLIENT, Command.of(parts));
        return switch (r) {
            case Reply.Bulk b -> new String(b.value(), java.nio.charset.StandardCharsets.UTF_8);
            case Reply.Error e -> e.text();
            default -> r.toString();
        };
    }

    /** The host's continuation written and read into a fresh host, as a migration does. */
    static LoopProcessHost moved(LoopProcessHost from) {
        BodyWriter out = new BodyWriter();
        from.writeState(out);
        LoopProcessHost to = newHost();
        to.readState(from.stateVersion(), new BodyReader(out.toBytes()));
        return to;
    }

    @Test
    void shouldAnswerEachRequestFromTheLoopWithItsLocals() {
        LoopProcessHost host = newHost();
        host.onStart(new FakeContext("p", "n1"), false);
        assertThat(host.suspension()).isEqualTo(Suspension.RECEIVE);
        assertThat(send(host, "ADD", "5")).isEqualTo("5:1:5:1:f");
        assertThat(send(host, "ADD", "7")).isEqualTo("12:2:57:2:f");
    }

    @Test
    void shouldContinueMidLoopWithLocalsAfterItsContinuationIsWrittenAndRead() {
        LoopProcessHost host = newHost();
        host.onStart(new FakeContext("p", "n1"), false);
        send(host, "ADD", "5");
        send(host, "ADD", "7");
        LoopProcessHost copy = moved(host);
        copy.onArrive(new FakeContext("p", "n2"));
        assertThat(send(copy, "ADD", "1")).isEqualTo("13:3:571:3:f");
        assertThat(send(copy, "LAST")).isEqualTo("none 4.0");
    }

    @Test
    void shouldAnswerPingItselfAsRedisDoesWithoutResumingTheLoop() {
        LoopProcessHost host = newHost();
        FakeContext ctx = new FakeContext("p", "n1");
        host.onStart(ctx, false);
        assertThat(send(host, "ADD", "5")).isEqualTo("5:1:5:1:f");
        assertThat(host.onCommand(CLIENT, Command.of("PING"))).isEqualTo(new Reply.Simple("PONG"));
        assertThat(send(host, "ping", "hi")).isEqualTo("hi");
        assertThat(send(host, "PING", "a", "b")).isEqualTo("ERR wrong number of arguments for 'ping' command");
        // The loop counted none of them: its second command is its count 2.
        assertThat(send(host, "ADD", "7")).isEqualTo("12:2:57:2:f");
    }

    @Test
    void shouldAnswerPingWhileTheLoopSleepsAndNotWakeIt() {
        LoopProcessHost host = newHost();
        FakeContext ctx = new FakeContext("p", "n1");
        host.onStart(ctx, false);
        send(host, "NAP", "1000");
        assertThat(host.suspension()).isInstanceOf(Suspension.Sleep.class);
        assertThat(host.onCommand(CLIENT, Command.of("PING"))).isEqualTo(new Reply.Simple("PONG"));
        assertThat(host.suspension()).isInstanceOf(Suspension.Sleep.class);
        assertThat(host.onCommand(CLIENT, Command.of("ADD", "1"))).isInstanceOf(Reply.Blocked.class);
    }
}
