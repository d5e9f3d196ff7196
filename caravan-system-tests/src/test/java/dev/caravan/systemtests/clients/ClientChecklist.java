package dev.caravan.systemtests.clients;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.awaitility.Awaitility.await;

/**
 * The checklist every client runs (the same as the scripts in {@code clients/}), written once; each Java client
 * library fills in the steps the way its users write them. Keys are unique per run and per phase, so a second
 * run (after a migration) starts from nothing and the first phase's data can be read back.
 *
 * <p>A step returns a short detail or throws; {@link #fail} says what was expected and what came.
 */
abstract class ClientChecklist implements AutoCloseable {
    static final int PIPELINE_COMMANDS = 1000;
    static final byte[] ALL_BYTES = allBytes();
    static final Map<String, String> HASH = hash();
    static final List<String> LIST = List.of("a", "b", "c");
    /** redis-server 7.0.15's reply to a command before AUTH on a password-protected server (RESP2 clients). */
    static final String NOAUTH = "NOAUTH Authentication required.";
    /** redis-server 7.0.15's reply to HELLO without AUTH on a password-protected server (RESP3 clients). */
    static final String NOAUTH_HELLO = "NOAUTH HELLO must be called with the client already authenticated, otherwise "
            + "the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol "
            + "version at the same time";
    static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

    protected final String host;
    protected final int port;
    /** Null when the target has none. */
    protected final String password;
    private final String prefix;

    protected ClientChecklist(String library, String host, int port, String password) {
        this.host = host;
        this.port = port;
        this.password = password;
        this.prefix = "clients:" + library + ":" + ProcessHandle.current().pid() + ":" + System.nanoTime() + ":";
    }

    /** Connects with the library's defaults (only the password set) and PINGs. */
    protected abstract String connect() throws Exception;

    protected abstract String setGet(String key) throws Exception;

    protected abstract String binary(byte[] key) throws Exception;

    /** {@value #PIPELINE_COMMANDS} commands (SET and GET of key prefix+i) in one pipeline. */
    protected abstract String pipeline(String keyPrefix) throws Exception;

    /** MULTI; SET key 1; INCR key; GET key; EXEC → OK, 2, "2". */
    protected abstract String transaction(String key) throws Exception;

    /** WATCH key; another connection writes it; MULTI ... EXEC is aborted; the other write stays. */
    protected abstract String transactionWatch(String key) throws Exception;

    protected abstract String expireTtl(String key, String persistent, String missing) throws Exception;

    protected abstract String hash(String key) throws Exception;

    protected abstract String list(String key) throws Exception;

    /** Without the password: NOAUTH; with a wrong one: WRONGPASS. */
    protected abstract String auth(String key) throws Exception;

    protected abstract long clientId() throws Exception;

    protected abstract long incr(String key) throws Exception;

    protected abstract String get(String key) throws Exception;

    /** Reads back what {@code phase} wrote: binary value, hash, list, the pipelined keys, the TTL. */
    protected abstract String kept(String phase) throws Exception;

    /** Opens MULTI on a second connection and queues SET key value; {@link #execOpenTransaction} ends it. */
    protected abstract void openTransaction(String key, String value) throws Exception;

    /** EXECs the transaction {@link #openTransaction} opened; returns the EXEC replies as text. */
    protected abstract List<Object> execOpenTransaction() throws Exception;

    /** Closes every connection the checks opened. */
    @Override
    public abstract void close();

    /** The checklist; returns false when the client could not connect (nothing else ran). */
    final boolean run(CheckReport report, String phase) {
        if (!report.check("connect", this::connect)) {
            return false;
        }
        report.check("set-get", () -> setGet(key(phase, "s")));
        report.check("binary", () -> binary(binaryKey(phase)));
        report.check("pipeline", () -> pipeline(key(phase, "p:")));
        report.check("transaction", () -> transaction(key(phase, "tx")));
        report.check("transaction-watch", () -> transactionWatch(key(phase, "watched")));
        report.check("expire-ttl", () -> expireTtl(key(phase, "ttl"), key(phase, "no-ttl"), key(phase, "missing")));
        report.check("hash", () -> hash(key(phase, "h")));
        report.check("list", () -> list(key(phase, "l")));
        if (password != null) {
            report.check("auth", () -> auth(key(phase, "s")));
        }
        return true;
    }

    /**
     * The checklist, then (on the same connection) a paced INCR loop and a transaction left open while {@code move}
     * runs, then: the loop's writes each counted once, the same connection (CLIENT ID), the first phase's data, the
     * open transaction EXEC'd, and the checklist again.
     */
    final void runAcrossMove(CheckReport report, Runnable move) {
        if (!run(report, "a")) {
            return;
        }
        AtomicLong idBefore = new AtomicLong(-1);
        report.check("client-id", () -> "CLIENT ID " + idBefore.updateAndGet(x -> clientIdOrMinusOne()) + " before the move");
        report.check("transaction-opened", () -> {
            openTransaction(key("a", "open-tx"), "queued-before-the-move");
            return "MULTI and a queued SET on a second connection";
        });
        String counter = key("moving", "counter");
        Counter loop = new Counter(counter);
        Thread writer = Thread.ofVirtual().name("incr-loop").start(loop);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> loop.acked.get() >= 10 || loop.error.get() != null);
            move.run();
        } finally {
            loop.stopping = true;
        }
        if (report.check("writes-during-move", () -> {
            if (!writer.join(Duration.ofSeconds(10))) {
                throw new AssertionError("the INCR loop hung after " + loop.acked.get() + " acknowledged INCRs");
            }
            if (loop.error.get() != null) {
                throw new AssertionError(loop.error.get());
            }
            return loop.acked.get() + " INCRs acknowledged";
        })) {
            report.check("writes-counted-once", () -> {
                expect("counter", Long.toString(loop.acked.get()), get(counter));
                return "GET equals the acknowledged INCRs";
            });
        }
        report.check("connection-kept", () -> {
            expect("CLIENT ID", idBefore.get(), clientId());
            return "CLIENT ID unchanged";
        });
        report.check("data-kept", () -> kept("a"));
        report.check("transaction-across-move", () -> {
            expect("EXEC replies", List.of("OK"), execOpenTransaction());
            expect("value", "queued-before-the-move", get(key("a", "open-tx")));
            return "MULTI before the move, EXEC after: the queued SET ran";
        });
        run(report, "b");
    }

    private long clientIdOrMinusOne() {
        try {
            return clientId();
        } catch (Exception e) {
            throw new AssertionError("CLIENT ID: " + e.getMessage(), e);
        }
    }

    /** INCRs one key in a paced loop on the checklist's connection and counts the acknowledged ones. */
    private final class Counter implements Runnable {
        private final String key;
        final AtomicLong acked = new AtomicLong();
        final AtomicReference<String> error = new AtomicReference<>();
        volatile boolean stopping;

        Counter(String key) {
            this.key = key;
        }

        @Override
        public void run() {
            while (!stopping) {
                long n;
                try {
                    n = incr(key);
                } catch (Exception e) {
                    error.set(e.getClass().getSimpleName() + ": " + e.getMessage() + " after " + acked.get() + " INCRs");
                    return;
                }
                if (n != acked.incrementAndGet()) {
                    error.set("INCR number " + acked.get() + " returned " + n);
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pacing: a trickle of writes, not a load test
            }
        }
    }

    final String key(String phase, String name) {
        return prefix + phase + ":" + name;
    }

    final byte[] binaryKey(String phase) {
        byte[] head = key(phase, "bin-").getBytes(StandardCharsets.UTF_8);
        byte[] k = new byte[head.length + ALL_BYTES.length];
        System.arraycopy(head, 0, k, 0, head.length);
        System.arraycopy(ALL_BYTES, 0, k, head.length, ALL_BYTES.length);
        return k;
    }

    static void expect(String what, Object expected, Object actual) {
        boolean same = expected instanceof byte[] e && actual instanceof byte[] a ? java.util.Arrays.equals(e, a)
                : java.util.Objects.equals(expected, actual);
        if (!same) {
            throw new AssertionError(what + ": expected " + show(expected) + ", got " + show(actual));
        }
    }

    static AssertionError fail(String what) {
        return new AssertionError(what);
    }

    private static String show(Object o) {
        if (o instanceof byte[] b) {
            return "<" + b.length + " bytes " + java.util.HexFormat.of().formatHex(b, 0, Math.min(b.length, 32))
                    + (b.length > 32 ? "..." : "") + ">";
        }
        return o instanceof String s ? "\"" + s + "\"" : String.valueOf(o);
    }

    /** Checks that a TTL is in [low, high]. */
    static void expectTtl(String what, long low, long high, long ttl) {
        if (ttl < low || ttl > high) {
            throw new AssertionError(what + ": expected " + low + ".." + high + ", got " + ttl);
        }
    }

    private static byte[] allBytes() {
        byte[] b = new byte[256];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static Map<String, String> hash() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("f1", "v1");
        h.put("f2", "");
        h.put("f3", "ünïcode ✓");
        return Map.copyOf(h);
    }
}
