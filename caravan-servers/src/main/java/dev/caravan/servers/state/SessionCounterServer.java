package dev.caravan.servers.state;

import dev.caravan.servers.line.LineHandler;
import dev.caravan.servers.line.LineProtocol;
import dev.caravan.wire.ErrorCode;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stateful server: a counter per session, held only in this server's memory.
 *
 * <pre>
 * OPEN          → &lt;session id&gt;   (16 hex digits, random, so a restarted server never reuses one)
 * INCR &lt;sid&gt;    → the new count
 * GET &lt;sid&gt;     → the count
 * CLOSE &lt;sid&gt;   → OK
 * unknown sid   → ERR NOT_FOUND unknown session &lt;sid&gt;
 * </pre>
 *
 * <p>A restart (a new instance) loses every session: clients get {@code NOT_FOUND unknown
 * session} and must open a new one, and their counts are gone. That is the price of state a
 * server does not persist.
 *
 * <p>Threading: thread-safe (a concurrent map of atomic counters).
 */
public final class SessionCounterServer implements LineHandler {
    private final Map<String, AtomicLong> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** A fresh server (no sessions) on a {@link LineProtocol}. */
    public static LineProtocol protocol() {
        return new SessionCounterServer().asProtocol();
    }

    public LineProtocol asProtocol() {
        return new LineProtocol("sessions", this);
    }

    @Override
    public String onLine(String line) {
        String[] f = line.trim().split("\\s+");
        switch (f[0]) {
            case "OPEN" -> {
                StateArgs.fields(line, 1, "OPEN");
                byte[] b = new byte[8];
                random.nextBytes(b);
                String id = HexFormat.of().formatHex(b);
                sessions.put(id, new AtomicLong());
                return id;
            }
            case "INCR" -> {
                return Long.toString(session(StateArgs.fields(line, 2, "INCR <sid>")[1]).incrementAndGet());
            }
            case "GET" -> {
                return Long.toString(session(StateArgs.fields(line, 2, "GET <sid>")[1]).get());
            }
            case "CLOSE" -> {
                String sid = StateArgs.fields(line, 2, "CLOSE <sid>")[1];
                session(sid);
                sessions.remove(sid);
                return "OK";
            }
            default -> throw ErrorCode.UNKNOWN_OPERATION.exception("unknown operation '" + f[0] + "'");
        }
    }

    private AtomicLong session(String sid) {
        AtomicLong c = sessions.get(sid);
        if (c == null) {
            throw ErrorCode.NOT_FOUND.exception("unknown session " + sid);
        }
        return c;
    }

    /** Sessions held right now. */
    public int sessionCount() {
        return sessions.size();
    }
}
