package dev.caravan.systemtests.faults;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that keep writing to a process through link cuts, fencing and migrations, and remember
 * every write that was acknowledged. Thread t sets {@code w:t:i} to {@code i} for i = 1, 2, … and
 * moves to i + 1 only once {@code +OK} came back; a write that got no answer, an error or a
 * redirect is sent again (a SET of the same value is idempotent, so a write that did land and is
 * sent twice changes nothing). Where to send: the data endpoint naming names now, or the one a
 * {@code -MOVED} reply names; every connection has a read deadline, so a writer stuck behind a
 * cut link gives up on it and asks naming again.
 *
 * <p>Afterwards {@link #assertNothingLost} reads every acknowledged key back from the owner.
 * What the writers saw (redirects, refusals, timeouts) is counted per kind for failure messages.
 */
final class RedirectingWriter {
    private static final Duration REPLY_TIMEOUT = Duration.ofMillis(800);
    /** How long a writer waits before retrying after a refusal or a dead connection (a retry pace, not a synchronisation). */
    private static final long RETRY_PAUSE_MS = 25;
    private static final int CHECK_BATCH = 500;

    private final Supplier<Optional<InetSocketAddress>> owner;
    private final AtomicLongArray acked;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, AtomicLong> seen = new ConcurrentHashMap<>();

    /**
     * Starts {@code clients} writers, each on its own virtual thread.
     *
     * @param owner the data endpoint naming names for the process now (empty while it names none)
     */
    RedirectingWriter(Supplier<Optional<InetSocketAddress>> owner, int clients) {
        this.owner = owner;
        this.acked = new AtomicLongArray(clients);
        for (int t = 0; t < clients; t++) {
            int id = t;
            threads.add(Thread.ofVirtual().name("writer-" + t).start(() -> write(id)));
        }
    }

    private void write(int t) {
        TimedResp conn = null;
        InetSocketAddress redirect = null;
        long i = 1;
        while (running.get()) {
            try {
                if (conn == null) {
                    InetSocketAddress target = redirect != null ? redirect : owner.get().orElse(null);
                    redirect = null;
                    if (target == null) {
                        count("not in naming");
                        pause();
                        continue;
                    }
                    conn = new TimedResp(target, REPLY_TIMEOUT);
                }
                Reply r = conn.pipeline(List.of(Command.of("SET", "w:" + t + ":" + i, Long.toString(i)))).getFirst();
                if (r.equals(Reply.OK)) {
                    acked.set(t, i);
                    i++;
                    continue;
                }
                String text = r instanceof Reply.Error e ? e.text() : r.toString();
                count(text.split(" ", 2)[0]);
                conn.close();
                conn = null;
                if (text.startsWith("MOVED ")) {
                    String[] p = text.split(" ");
                    int colon = p[2].lastIndexOf(':');
                    redirect = new InetSocketAddress(p[2].substring(0, colon), Integer.parseInt(p[2].substring(colon + 1)));
                } else {
                    pause();
                }
            } catch (IOException | RuntimeException e) {
                count(e.getClass().getSimpleName());
                if (conn != null) {
                    conn.close();
                    conn = null;
                }
                pause();
            }
        }
        if (conn != null) {
            conn.close();
        }
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(RETRY_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    private void count(String kind) {
        seen.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    /** Writes acknowledged so far, over all clients. */
    long totalAcked() {
        long n = 0;
        for (int t = 0; t < acked.length(); t++) {
            n += acked.get(t);
        }
        return n;
    }

    /** What the writers met other than {@code +OK}, by kind (error word or exception), e.g. {@code {MOVED=3, TRYAGAIN=40}}. */
    Map<String, Long> seen() {
        Map<String, Long> out = new java.util.TreeMap<>();
        seen.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Stops the writers, waiting for each one's last request (bounded by its reply deadline). */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    /**
     * The owner's answer to {@code mget}. A node that has just taken a new lease after a healed partition may refuse
     * for a moment (TRYAGAIN: it is re-registering); that is the fence working, so such a refusal is asked again for
     * up to 10 s. Any other error fails at once.
     */
    private static Reply readAnswered(TimedResp c, String[] mget, InetSocketAddress endpoint) {
        java.util.concurrent.atomic.AtomicReference<Reply> answer = new java.util.concurrent.atomic.AtomicReference<>();
        org.awaitility.Awaitility.await("MGET answered at " + endpoint).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    Reply r = c.call(mget);
                    answer.set(r);
                    return !(r instanceof Reply.Error e && e.text().startsWith("TRYAGAIN"));
                });
        assertThat(answer.get()).as("MGET at %s", endpoint).isInstanceOf(Reply.Array.class);
        return answer.get();
    }

    /** Every acknowledged write is readable at {@code endpoint} with the value that was acknowledged. */
    void assertNothingLost(InetSocketAddress endpoint) throws IOException {
        try (TimedResp c = new TimedResp(endpoint, Duration.ofSeconds(10))) {
            for (int t = 0; t < acked.length(); t++) {
                long last = acked.get(t);
                List<String> missing = new ArrayList<>();
                for (long from = 1; from <= last; from += CHECK_BATCH) {
                    long to = Math.min(last, from + CHECK_BATCH - 1);
                    String[] mget = new String[(int) (to - from + 2)];
                    mget[0] = "MGET";
                    for (long i = from; i <= to; i++) {
                        mget[(int) (i - from + 1)] = "w:" + t + ":" + i;
                    }
                    Reply r = readAnswered(c, mget, endpoint);
                    List<Reply> values = ((Reply.Array) r).items();
                    for (long i = from; i <= to; i++) {
                        Reply v = values.get((int) (i - from));
                        if (!(v instanceof Reply.Bulk b) || !b.text().equals(Long.toString(i))) {
                            missing.add("w:" + t + ":" + i + "=" + v);
                        }
                    }
                }
                assertThat(missing).as("acknowledged writes of client %d (1..%d) missing or wrong at %s (writers saw %s)",
                        t, last, endpoint, seen()).isEmpty();
            }
        }
    }
}
