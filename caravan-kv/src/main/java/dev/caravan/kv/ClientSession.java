package dev.caravan.kv;

import dev.caravan.wire.command.Command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One client connection's state at the kv process, what redis-server keeps in its
 * {@code client} struct: protocol version, authentication, name and library, reply mode,
 * the open transaction with its queued commands, and the watched keys (kept with
 * {@link KeyWatches}). Keyed by the {@link dev.caravan.core.process.ClientRef#sessionId()} the
 * endpoint chose; {@link ClientSessions} holds them all and writes them into the process's
 * object state, so that they follow the process in every migration mode.
 *
 * <p>A session with id 0 stands for a request without a client connection (node CALL): built
 * fresh for each command, authenticated, never stored. Process thread only.
 */
final class ClientSession {
    /** How a {@code CLIENT UNBLOCK} asked a parked command to end. */
    static final int UNBLOCK_NONE = 0;
    static final int UNBLOCK_TIMEOUT = 1;
    static final int UNBLOCK_ERROR = 2;

    final long sessionId;
    /** {@code CLIENT ID}: given in connection order by {@link ClientSessions}. */
    final long clientId;
    final String addr;
    final String laddr;
    final long createdMs;
    long lastInteractionMs;

    /** {@code CLIENT SETNAME}; null when unnamed. */
    String name;
    /** {@code CLIENT SETINFO LIB-NAME / LIB-VER}; null when unset. */
    String libName;
    String libVer;
    /** Name of the last command looked up, with a container's subcommand ({@code CLIENT|LIST}); "NULL" for none. */
    String lastCommand = "NULL";
    /** Payload bytes of the command being run (CLIENT LIST's {@code argv-mem}); 0 between commands. */
    long argvBytes;

    int protocol = 2;
    boolean authenticated;
    /** CLIENT REPLY OFF. */
    boolean replyOff;
    /** CLIENT REPLY SKIP was the last command: the next command's reply is skipped. */
    boolean skipNext;
    /** The reply of the command being run is skipped. */
    boolean skipThis;
    boolean noEvict;
    /** QUIT or CLIENT KILL: nothing more is run; the connection is closing. */
    boolean closed;

    /** Inside MULTI. */
    boolean multi;
    /** A command was refused while queueing: EXEC answers EXECABORT (Redis's CLIENT_DIRTY_EXEC). */
    boolean dirtyExec;
    /** A watched key changed: EXEC answers a null array (Redis's CLIENT_DIRTY_CAS). */
    boolean dirtyCas;
    final List<Command> queued = new ArrayList<>();
    long queuedBytes;
    /** This client's watches; {@link KeyWatches} keeps the index by key. */
    final List<KeyWatches.Watch> watches = new ArrayList<>();

    /** The command that returned Blocked, kept until it completes (a copy), or null. */
    Command parked;
    /** Whether the parked command's reply is to be written (decided when it first ran). */
    boolean parkedSuppressed;
    /** {@link #UNBLOCK_NONE}, or how a CLIENT UNBLOCK asked the parked command to end. */
    int unblock = UNBLOCK_NONE;

    ClientSession(long sessionId, long clientId, String addr, String laddr, long createdMs, boolean authenticated) {
        this.sessionId = sessionId;
        this.clientId = clientId;
        this.addr = addr;
        this.laddr = laddr;
        this.createdMs = createdMs;
        this.lastInteractionMs = createdMs;
        this.authenticated = authenticated;
    }

    /** The session-less caller of one command (node CALL): authenticated, RESP2, not stored. */
    static ClientSession standalone(long nowMs) {
        return new ClientSession(0, 0, "", "", nowMs, true);
    }

    boolean standalone() {
        return sessionId == 0;
    }

    /** Whether this client must authenticate first (Redis's {@code authRequired}). */
    boolean authRequired(Password password) {
        return password.required() && !authenticated;
    }

    /** Bytes a queued command is accounted at: its payload and a slot per argument. */
    static long queuedBytes(Command c) {
        return c.payloadBytes() + 16L * c.size();
    }

    /** A copy that shares no array with {@code c}: a process keeps no reference to a command it was handed. */
    static Command copy(Command c) {
        byte[][] args = new byte[c.size()][];
        for (int i = 0; i < args.length; i++) {
            args[i] = Arrays.copyOf(c.arg(i), c.arg(i).length);
        }
        return new Command(args);
    }
}
