package dev.caravan.kv;

import dev.caravan.core.process.ClientRef;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every client session of the process, in connection order (as CLIENT LIST shows them), and
 * the CLIENT ID counter.
 *
 * <p>All of it is object state ({@link #write}, {@link #read}): a migration, clone or restore
 * carries the sessions, their transactions and watches, and the counter. The object state
 * crosses in one migration commit frame (64 MiB, {@code Frame.DEFAULT_MAX_FRAME_BYTES}), so
 * what it holds is bounded, each limit checked before anything is copied: at most
 * {@link #MAX_CLIENTS} sessions (Redis's default {@code maxclients}), {@link #MAX_QUEUED_COMMANDS}
 * queued commands per transaction and {@link #MAX_QUEUED_BYTES} queued over all clients,
 * {@link KeyWatches#MAX_WATCHED_BYTES} of watched keys, {@link #MAX_ATTRIBUTE_BYTES} per client
 * name, library name or version. Redis has none of these limits; no client comes near them.
 *
 * <pre>
 * state:    i64 next client id, i32 sessions, session…
 * session:  i64 session id, i64 client id, str addr, str laddr, i64 created ms, i64 last ms,
 *           str name, str lib-name, str lib-ver, str last command   ("" = none)
 *           u8 protocol, u16 flags (bit 0 authenticated, 1 reply off, 2 skip next, 3 skip this,
 *           4 no-evict, 5 closed, 6 multi, 7 dirty exec, 8 dirty cas, 9 parked suppressed),
 *           u8 unblock, i32 queued, command…, i32 watches, (bytes key, bool expired)…,
 *           bool parked, [command]
 * command:  i32 arguments, bytes…
 * </pre>
 * Process thread only.
 */
final class ClientSessions {
    /** Redis's default {@code maxclients}. */
    static final int MAX_CLIENTS = 10_000;
    /** Commands one transaction may queue. */
    static final int MAX_QUEUED_COMMANDS = 1 << 20;
    /** Bytes all open transactions together may queue (they travel in the object state). */
    static final long MAX_QUEUED_BYTES = 16L << 20;
    /** Longest client name, library name or library version. */
    static final int MAX_ATTRIBUTE_BYTES = 512;

    private final Map<Long, ClientSession> bySession = new LinkedHashMap<>();
    private long nextClientId = 1;
    private long queuedBytes;
    /** The session of the previous lookup: a pipeline asks for the same one many times in a row. */
    private ClientSession last;

    ClientSession get(long sessionId) {
        ClientSession s = last;
        if (s != null && s.sessionId == sessionId) {
            return s;
        }
        s = bySession.get(sessionId);
        if (s != null) {
            last = s;
        }
        return s;
    }

    /** A new session for {@code ref}, or null when {@link #MAX_CLIENTS} are open. */
    ClientSession open(ClientRef ref, long nowMs, boolean authenticated) {
        if (bySession.size() >= MAX_CLIENTS) {
            return null;
        }
        ClientSession s = new ClientSession(ref.sessionId(), nextClientId++, ref.addr(), ref.laddr(), nowMs, authenticated);
        bySession.put(ref.sessionId(), s);
        return s;
    }

    /** Drops a session and everything it holds (the client is gone). */
    void close(long sessionId, KeyWatches watches) {
        ClientSession s = bySession.remove(sessionId);
        if (s == last) {
            last = null;
        }
        if (s != null) {
            watches.unwatchAll(s);
            clearQueue(s);
        }
    }

    Collection<ClientSession> all() {
        return bySession.values();
    }

    int size() {
        return bySession.size();
    }

    /** The session with CLIENT ID {@code clientId}, or null. */
    ClientSession byClientId(long clientId) {
        for (ClientSession s : bySession.values()) {
            if (s.clientId == clientId) {
                return s;
            }
        }
        return null;
    }

    /** Whether {@code c} may join {@code s}'s transaction within the limits. */
    boolean mayQueue(ClientSession s, Command c) {
        return s.queued.size() < MAX_QUEUED_COMMANDS && queuedBytes + ClientSession.queuedBytes(c) <= MAX_QUEUED_BYTES;
    }

    /** Queues a copy of {@code c} in {@code s}'s transaction; {@link #mayQueue} said yes. */
    void queue(ClientSession s, Command c) {
        long bytes = ClientSession.queuedBytes(c);
        s.queued.add(ClientSession.copy(c));
        s.queuedBytes += bytes;
        queuedBytes += bytes;
    }

    /** Empties {@code s}'s queue. */
    void clearQueue(ClientSession s) {
        queuedBytes -= s.queuedBytes;
        s.queuedBytes = 0;
        s.queued.clear();
    }

    void write(BodyWriter out) {
        out.i64(nextClientId);
        out.i32(bySession.size());
        for (ClientSession s : bySession.values()) {
            out.i64(s.sessionId).i64(s.clientId).string(s.addr).string(s.laddr).i64(s.createdMs).i64(s.lastInteractionMs);
            out.string(orEmpty(s.name)).string(orEmpty(s.libName)).string(orEmpty(s.libVer)).string(s.lastCommand);
            out.u8(s.protocol).u16(flags(s)).u8(s.unblock);
            out.i32(s.queued.size());
            for (Command c : s.queued) {
                writeCommand(out, c);
            }
            out.i32(s.watches.size());
            for (KeyWatches.Watch w : s.watches) {
                out.bytes(w.key).bool(w.expired);
            }
            out.bool(s.parked != null);
            if (s.parked != null) {
                writeCommand(out, s.parked);
            }
        }
    }

    /**
     * Replaces every session with those {@link #write} wrote, registering their watches with
     * {@code watches} (which must be empty).
     *
     * @throws dev.caravan.wire.CaravanException MALFORMED when the state is truncated or out of bounds
     */
    void read(BodyReader in, KeyWatches watches) {
        bySession.clear();
        last = null;
        queuedBytes = 0;
        nextClientId = in.i64();
        int n = in.count(MAX_CLIENTS, "client sessions");
        for (int i = 0; i < n; i++) {
            long sessionId = in.i64();
            long clientId = in.i64();
            if (sessionId <= 0 || clientId <= 0 || clientId >= nextClientId) {
                throw ErrorCode.MALFORMED.exception("client session " + sessionId + " with client id " + clientId);
            }
            ClientSession s = new ClientSession(sessionId, clientId, in.string(), in.string(), in.i64(), false);
            s.lastInteractionMs = in.i64();
            s.name = orNull(in.string());
            s.libName = orNull(in.string());
            s.libVer = orNull(in.string());
            s.lastCommand = in.string();
            s.protocol = in.u8();
            if (s.protocol != 2 && s.protocol != 3) {
                throw ErrorCode.MALFORMED.exception("client session protocol " + s.protocol);
            }
            setFlags(s, in.u16());
            s.unblock = in.u8();
            if (s.unblock > ClientSession.UNBLOCK_ERROR) {
                throw ErrorCode.MALFORMED.exception("client session unblock mode " + s.unblock);
            }
            int queued = in.count(Math.min(MAX_QUEUED_COMMANDS, in.remaining() / 4), "queued commands");
            for (int q = 0; q < queued; q++) {
                Command c = readCommand(in);
                long bytes = ClientSession.queuedBytes(c);
                s.queued.add(c);
                s.queuedBytes += bytes;
                queuedBytes += bytes;
            }
            int watched = in.count(in.remaining() / 5, "watched keys");
            for (int w = 0; w < watched; w++) {
                watches.watch(s, in.bytes(), in.bool());
            }
            if (in.bool()) {
                s.parked = readCommand(in);
            }
            if (bySession.put(sessionId, s) != null) {
                throw ErrorCode.MALFORMED.exception("client session " + sessionId + " twice");
            }
        }
    }

    private static void writeCommand(BodyWriter out, Command c) {
        out.i32(c.size());
        for (byte[] a : c.args()) {
            out.bytes(a);
        }
    }

    private static Command readCommand(BodyReader in) {
        int argc = in.i32();
        if (argc < 1 || argc > in.remaining() / 4) {
            throw ErrorCode.MALFORMED.exception("command of " + argc + " arguments in client state");
        }
        byte[][] args = new byte[argc][];
        for (int i = 0; i < argc; i++) {
            args[i] = in.bytes();
        }
        return new Command(args);
    }

    private static int flags(ClientSession s) {
        return bit(s.authenticated, 0) | bit(s.replyOff, 1) | bit(s.skipNext, 2) | bit(s.skipThis, 3) | bit(s.noEvict, 4)
                | bit(s.closed, 5) | bit(s.multi, 6) | bit(s.dirtyExec, 7) | bit(s.dirtyCas, 8) | bit(s.parkedSuppressed, 9);
    }

    private static void setFlags(ClientSession s, int f) {
        s.authenticated = (f & 1) != 0;
        s.replyOff = (f & 1 << 1) != 0;
        s.skipNext = (f & 1 << 2) != 0;
        s.skipThis = (f & 1 << 3) != 0;
        s.noEvict = (f & 1 << 4) != 0;
        s.closed = (f & 1 << 5) != 0;
        s.multi = (f & 1 << 6) != 0;
        s.dirtyExec = (f & 1 << 7) != 0;
        s.dirtyCas = (f & 1 << 8) != 0;
        s.parkedSuppressed = (f & 1 << 9) != 0;
    }

    private static int bit(boolean b, int i) {
        return b ? 1 << i : 0;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String orNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
