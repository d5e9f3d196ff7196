package dev.caravan.migration.testkit;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.Watch;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespConnection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that write to processes the way redis-cli would — {@code SET} on the data endpoint
 * naming points to, following {@code -MOVED} — and the ledger of every write that was
 * acknowledged ({@code +OK}). Each key is written once, with a value of its own, so that a
 * write is either there or lost. A write that got an error, no answer or a broken connection is
 * not acknowledged and may or may not have happened. Thread-safe.
 */
public final class AckedWrites {
    private static final int MAX_REDIRECTS = 3;
    /** How often a writer waiting for its process to be registered looks whether it was stopped. */
    private static final long STOP_CHECK_MS = 50;

    private final TestCluster cluster;
    private final Map<String, Map<String, String>> acked = new ConcurrentHashMap<>();
    /**
     * Per name, how many times it was created anew or forgotten ({@link #reset}, {@link #forget}): a
     * write is recorded only if no reset came between its send and its acknowledgement, because an
     * acknowledgement from the process a reset replaced (stopped, then deployed again) says nothing
     * about the new one. Guarded by {@code acked}'s entries being replaced under {@link #ledger}.
     */
    private final Map<String, Long> generations = new ConcurrentHashMap<>();
    private final Object ledger = new Object();
    private final AtomicLong sequence = new AtomicLong();

    public AckedWrites(TestCluster cluster) {
        this.cluster = cluster;
    }

    /** One SET to the process's current owner; true (and recorded) if it was acknowledged. */
    public boolean write(String name) {
        long n = sequence.incrementAndGet();
        return send(name, List.<String[]>of(new String[] {"k" + n, "v" + n}), null) == 1;
    }

    /**
     * {@code count} keys of {@code valueBytes} each, pipelined, so that a process holds some
     * state to move; returns how many were acknowledged.
     */
    public int fill(String name, int count, int valueBytes) {
        String pad = "x".repeat(Math.max(0, valueBytes - 12));
        List<String[]> kv = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long n = sequence.incrementAndGet();
            kv.add(new String[] {"k" + n, n + pad});
        }
        return send(name, kv, null);
    }

    private int send(String name, List<String[]> kv, AtomicBoolean stopped) {
        long generation = generations.getOrDefault(name, 0L);
        Optional<NamingEntry> owner = cluster.owner(name);
        for (int attempt = 0; attempt < MAX_REDIRECTS && owner.isPresent(); attempt++) {
            InetSocketAddress at = new InetSocketAddress(owner.get().host(), owner.get().port());
            Reply[] replies;
            try (RespConnection c = new RespConnection(at)) {
                replies = c.forward(kv.stream().map(p -> Command.of("SET", p[0], p[1])).toArray(Command[]::new));
            } catch (IOException e) {
                return 0;
            }
            int ok = 0;
            boolean moved = false;
            synchronized (ledger) {
                boolean sameIncarnation = generations.getOrDefault(name, 0L) == generation;
                for (int i = 0; i < replies.length; i++) {
                    if (replies[i].equals(Reply.OK)) {
                        if (sameIncarnation) {
                            acked.computeIfAbsent(name, k -> new ConcurrentHashMap<>()).put(kv.get(i)[0], kv.get(i)[1]);
                        }
                        ok++;
                    } else if (replies[i] instanceof Reply.Error e && e.text().startsWith("MOVED")) {
                        moved = true;
                    }
                }
            }
            if (!moved || ok > 0 || (stopped != null && stopped.get())) {
                return ok;
            }
            owner = cluster.owner(name);
        }
        return 0;
    }

    /**
     * Writes one key at a time until stopped, on a virtual thread; while naming has no owner for
     * the process it waits for naming to change instead of asking again at once.
     */
    public Background writeContinuously(String name) {
        return new Background(name);
    }

    /** A client that keeps writing; {@link #stop} waits for its last write. */
    public final class Background implements AutoCloseable {
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final AtomicLong attempts = new AtomicLong();
        private final Thread thread;

        private Background(String name) {
            Semaphore changed = new Semaphore(0);
            Watch watch = cluster.naming().watch("process/" + name, event -> changed.release());
            thread = Thread.ofVirtual().name("writer-" + name).start(() -> {
                try (watch) {
                    while (!stopped.get()) {
                        if (cluster.owner(name).isEmpty()) {
                            // Nothing to write to: wait for naming to change rather than spin on its lock,
                            // which starved a concurrent deploy's registration on a loaded 2-core run.
                            changed.drainPermits();
                            if (cluster.owner(name).isEmpty()) {
                                changed.tryAcquire(STOP_CHECK_MS, TimeUnit.MILLISECONDS);
                            }
                            continue;
                        }
                        long n = sequence.incrementAndGet();
                        send(name, List.<String[]>of(new String[] {"k" + n, "v" + n}), stopped);
                        attempts.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        public long attempts() {
            return attempts.get();
        }

        /** Stops writing; a write stuck on a frozen process is abandoned (not acknowledged). */
        public void stop() throws InterruptedException {
            stopped.set(true);
            thread.join(2_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(2_000);
            }
        }

        @Override
        public void close() {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Acknowledged writes of a process: key → value. */
    public Map<String, String> expected(String name) {
        return Map.copyOf(acked.getOrDefault(name, Map.of()));
    }

    public int count(String name) {
        return acked.getOrDefault(name, Map.of()).size();
    }

    /** Names with acknowledged writes. */
    public List<String> names() {
        return List.copyOf(acked.keySet());
    }

    /** The process died legitimately (with its node, stopped, or lost its post-copy pages): nothing is expected of it. */
    public void forget(String name) {
        synchronized (ledger) {
            generations.merge(name, 1L, Long::sum);
            acked.remove(name);
        }
    }

    /** A process of this name was created anew (deploy, clone, restore): it owes exactly {@code writes}. */
    public void reset(String name, Map<String, String> writes) {
        synchronized (ledger) {
            generations.merge(name, 1L, Long::sum);
            acked.put(name, new ConcurrentHashMap<>(writes));
        }
    }

    /** A copy (clone, restore) must hold at least {@code writes}, acknowledged to the original before it was taken. */
    public void inherit(String copy, Map<String, String> writes) {
        synchronized (ledger) {
            acked.computeIfAbsent(copy, k -> new ConcurrentHashMap<>()).putAll(writes);
        }
    }

    /**
     * The acknowledged writes of {@code name} that its owner does not return as written, read
     * through the owner's data endpoint; at most {@code limit} of them, described.
     */
    public List<String> missingAt(InetSocketAddress owner, String name, int limit) throws IOException {
        List<Map.Entry<String, String>> expected = new ArrayList<>(expected(name).entrySet());
        List<String> missing = new ArrayList<>();
        try (RespConnection c = new RespConnection(owner)) {
            for (int from = 0; from < expected.size() && missing.size() < limit; from += 500) {
                List<Map.Entry<String, String>> part = expected.subList(from, Math.min(expected.size(), from + 500));
                Reply[] got = c.forward(part.stream().map(e -> Command.of("GET", e.getKey())).toArray(Command[]::new));
                for (int i = 0; i < got.length && missing.size() < limit; i++) {
                    if (!got[i].equals(Reply.bulk(part.get(i).getValue()))) {
                        missing.add(part.get(i).getKey() + " → " + abbreviate(String.valueOf(got[i])));
                    }
                }
            }
        }
        return missing;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
