package dev.caravan.testsupport;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespConnection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that keep writing while a process moves, and remember every write that was
 * acknowledged: thread t sets {@code w:t:i} to {@code i} for i = 1, 2, ... and increments
 * {@code c:t}. Afterwards {@link #assertNothingLost} checks every acknowledged write is there.
 */
public final class AckedWriter {
    private final AtomicLongArray acked;
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    /** Starts {@code clients} writers against {@code endpoint}, each on its own virtual thread. */
    public AckedWriter(InetSocketAddress endpoint, int clients) {
        acked = new AtomicLongArray(clients);
        for (int t = 0; t < clients; t++) {
            int id = t;
            threads.add(Thread.ofVirtual().start(() -> write(endpoint, id)));
        }
    }

    private void write(InetSocketAddress endpoint, int t) {
        try (RespConnection c = new RespConnection(endpoint)) {
            for (long i = 1; running.get(); i++) {
                List<Reply> r = c.pipeline(List.of(Command.of("SET", "w:" + t + ":" + i, Long.toString(i)),
                        Command.of("INCR", "c:" + t)));
                if (!r.get(0).equals(Reply.OK) || !(r.get(1) instanceof Reply.Int n) || n.value() != i) {
                    failures.add("client " + t + " write " + i + ": " + r);
                    return;
                }
                acked.set(t, i);
            }
        } catch (IOException e) {
            failures.add("client " + t + ": " + e);
        }
    }

    /** Writes acknowledged so far, over all clients. */
    public long totalAcked() {
        long n = 0;
        for (int t = 0; t < acked.length(); t++) {
            n += acked.get(t);
        }
        return n;
    }

    /** Why writers stopped early: a wrong reply or a broken connection. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** Stops the writers (waiting for their last request). */
    public void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }

    /** Every acknowledged SET and INCR is readable at {@code endpoint}. */
    public void assertNothingLost(InetSocketAddress endpoint) throws IOException {
        try (RespConnection c = new RespConnection(endpoint)) {
            for (int t = 0; t < acked.length(); t++) {
                long last = acked.get(t);
                assertThat(c.call("GET", "c:" + t)).as("counter of client %d", t)
                        .isIn(Reply.bulk(Long.toString(last)), Reply.bulk(Long.toString(last + 1)));
                List<Command> gets = new ArrayList<>();
                for (long i = 1; i <= last; i++) {
                    gets.add(Command.of("GET", "w:" + t + ":" + i));
                }
                List<Reply> values = gets.isEmpty() ? List.of() : c.pipeline(gets);
                for (int i = 0; i < values.size(); i++) {
                    assertThat(values.get(i)).as("acknowledged write w:%d:%d", t, i + 1).isEqualTo(Reply.bulk(Long.toString(i + 1)));
                }
            }
        }
    }
}
