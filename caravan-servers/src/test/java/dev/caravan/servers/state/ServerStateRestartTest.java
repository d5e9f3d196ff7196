package dev.caravan.servers.state;

import dev.caravan.core.time.ManualClock;
import dev.caravan.servers.line.LineClient;
import dev.caravan.servers.line.LineProtocol;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Restarts each kind of server (a new instance: memory gone) and shows what it lost. */
class ServerStateRestartTest {

    /** A server that can be restarted: each start builds its protocol (and state) afresh. */
    private static final class Restartable implements AutoCloseable {
        private final Supplier<LineProtocol> fresh;
        private Server server;

        Restartable(Supplier<LineProtocol> fresh) {
            this.fresh = fresh;
            server = ServerModel.VIRTUAL_THREADS.start(fresh.get());
        }

        void restart() {
            server.close();
            server = ServerModel.VIRTUAL_THREADS.start(fresh.get());
        }

        LineClient connect() {
            return new LineClient(new InetSocketAddress("127.0.0.1", server.port()));
        }

        @Override
        public void close() {
            server.close();
        }
    }

    @Test
    void statelessServerShouldLoseNothingOnRestart() {
        try (Restartable calc = new Restartable(StatelessCalculator::protocol)) {
            try (LineClient c = calc.connect()) {
                assertThat(c.callOk("MUL 6 7")).isEqualTo("42");
            }
            calc.restart();
            try (LineClient c = calc.connect()) {
                assertThat(c.callOk("MUL 6 7")).isEqualTo("42");
                assertThat(c.call("DIV 1 0")).isEqualTo("ERR INVALID_ARGUMENT division by zero");
            }
        }
    }

    @Test
    void statefulServerShouldLoseItsSessionsOnRestart() {
        try (Restartable counters = new Restartable(SessionCounterServer::protocol)) {
            String sid;
            try (LineClient c = counters.connect()) {
                sid = c.callOk("OPEN");
                c.callOk("INCR " + sid);
                assertThat(c.callOk("INCR " + sid)).isEqualTo("2");
            }
            try (LineClient c = counters.connect()) {
                assertThat(c.callOk("GET " + sid)).as("the session outlives the connection").isEqualTo("2");
            }
            counters.restart();
            try (LineClient c = counters.connect()) {
                assertThatThrownBy(() -> c.callOk("INCR " + sid))
                        .isInstanceOfSatisfying(CaravanException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                            assertThat(e.getMessage()).isEqualTo("unknown session " + sid);
                        });
                String again = c.callOk("OPEN");
                assertThat(again).isNotEqualTo(sid);
                assertThat(c.callOk("INCR " + again)).as("the count starts over").isEqualTo("1");
            }
        }
    }

    @Test
    void softStateServerShouldRegainItsEntriesAtTheClientsNextRenewal() {
        ManualClock clock = new ManualClock(1_000);
        long leaseMs = 3_000;
        try (Restartable registry = new Restartable(() -> new SubscriptionRegistry(clock, leaseMs).asProtocol())) {
            try (LineClient alice = registry.connect(); LineClient bob = registry.connect()) {
                assertThat(alice.callOk("SUBSCRIBE news alice")).isEqualTo("OK 3000");
                bob.callOk("SUBSCRIBE news bob");
                assertThat(alice.callOk("LIST news")).isEqualTo("SUBSCRIBERS alice bob");
            }
            registry.restart();
            try (LineClient alice = registry.connect(); LineClient bob = registry.connect()) {
                assertThat(alice.callOk("LIST news")).as("lost, but no error").isEqualTo("SUBSCRIBERS");
                clock.advanceMs(leaseMs / 2);
                alice.callOk("SUBSCRIBE news alice");
                bob.callOk("SUBSCRIBE news bob");
                assertThat(alice.callOk("LIST news")).as("back after one renewal period").isEqualTo("SUBSCRIBERS alice bob");
                clock.advanceMs(leaseMs / 2);
                bob.callOk("SUBSCRIBE news bob");
                clock.advanceMs(leaseMs / 2 + 1);
                assertThat(alice.callOk("LIST news")).as("alice stopped renewing").isEqualTo("SUBSCRIBERS bob");
            }
        }
    }

    @Test
    void shouldExpireUnrenewedEntries() {
        ManualClock clock = new ManualClock(0);
        SubscriptionRegistry r = new SubscriptionRegistry(clock, 100);
        r.onLine("SUBSCRIBE t a");
        clock.advanceMs(99);
        assertThat(r.size()).isEqualTo(1);
        clock.advanceMs(1);
        assertThat(r.size()).isZero();
        assertThatThrownBy(() -> r.onLine("SUBSCRIBE t"))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED));
    }
}
