package dev.caravan.kv;

import dev.caravan.core.process.ClientRef;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs one client's command through the checks redis-server 7.0's {@code processCommand} makes,
 * in its order, then to the connection, transaction or data commands, and shapes the reply for
 * that client:
 *
 * <pre>
 * session (ClientRef.sessionId; created on first use, at most maxclients; 0 = one-off caller)
 *   → command known?  → arity?  → CLIENT subcommand known, arity?     (failures flag MULTI)
 *   → authenticated, or AUTH / HELLO / QUIT / RESET?                   (NOAUTH)
 *   → inside MULTI and not EXEC / DISCARD / MULTI / WATCH / QUIT / RESET? → queue, +QUEUED
 *   → run: HELLO AUTH SELECT RESET QUIT ECHO PING | CLIENT | MULTI EXEC DISCARD WATCH UNWATCH | data
 *   → reply in the client's protocol (RESP2 or RESP3), then CLIENT REPLY OFF / SKIP applied
 * </pre>
 *
 * A data command that changed collections in place touches the watches of its keys (WATCH).
 * A reply may be a control reply: {@link Reply.Suppressed} (nothing to write),
 * {@link Reply.Closing} (QUIT, CLIENT KILL of oneself; the session then runs nothing more) and
 * {@link Reply.Blocked} (kept as the session's parked command; its next run is its retry).
 *
 * <p>Process thread only.
 */
final class CommandDispatcher {
    /** What the dispatcher needs of the process around it. */
    interface Backend {
        long nowMs();

        KvStore store();

        /** Runs a data command whose name and arity were checked; errors come back as error replies. */
        Reply runData(Command c);

        /** {@link DataTypes#mutations()} of the current data types. */
        long collectionMutations();

        /** Asks the endpoint holding the session's connection to close it. */
        void disconnectClient(long sessionId);

        Password password();
    }

    static final Reply NOAUTH = Reply.error("NOAUTH Authentication required.");
    static final Reply MAX_CLIENTS_REACHED = Reply.error("ERR max number of clients reached");
    private static final Set<String> NO_AUTH = Set.of("AUTH", "HELLO", "QUIT", "RESET");
    private static final Set<String> NOT_QUEUED = Set.of("EXEC", "DISCARD", "MULTI", "WATCH", "QUIT", "RESET");
    private static final Set<String> CONTAINERS = Set.of("CLIENT", "CONFIG", "COMMAND");

    private final ClientSessions sessions;
    private final KeyWatches watches;
    private final CurrentClient current;
    private final Backend backend;
    private final Transactions transactions;
    private final ConnectionCommands connection;
    private final ClientCommands clients;

    CommandDispatcher(ClientSessions sessions, KeyWatches watches, CurrentClient current, Backend backend) {
        this.sessions = sessions;
        this.watches = watches;
        this.current = current;
        this.backend = backend;
        this.transactions = new Transactions(sessions, watches, backend::store);
        this.connection = new ConnectionCommands(transactions, backend::password);
        this.clients = new ClientCommands(sessions, transactions, backend::disconnectClient);
    }

    /** The error for a connection-state command sent without a client connection. */
    static Reply needsConnection(String command) {
        return Reply.error("ERR " + command + " keeps per-connection state and this request has no client connection "
                + "(node CALL): send it over a RESP connection to the process");
    }

    /** One command from {@code client}; see the class comment. */
    Reply onCommand(ClientRef client, Command c) {
        long now = backend.nowMs();
        if (!client.hasSession()) {
            ClientSession s = ClientSession.standalone(now);
            Reply r = process(s, c, now);
            return r instanceof Reply.Closing closing ? closing.reply() : r;
        }
        ClientSession s = sessions.get(client.sessionId());
        if (s == null) {
            s = sessions.open(client, now, !backend.password().required());
            if (s == null) {
                return new Reply.Closing(MAX_CLIENTS_REACHED);
            }
        }
        if (s.closed) {
            return new Reply.Closing(Reply.SUPPRESSED);
        }
        s.lastInteractionMs = now;
        boolean retry = s.parked != null && s.parked.equals(c);
        s.parked = null;
        Reply r;
        boolean suppressed;
        if (retry) {
            suppressed = s.parkedSuppressed;
            r = retry(s, c, now);
        } else {
            r = process(s, c, now);
            suppressed = s.replyOff || s.skipThis;
            s.skipThis = s.skipNext;
            s.skipNext = false;
        }
        s.argvBytes = 0;
        return deliver(s, c, r, suppressed);
    }

    /** The parked command of {@code s} runs again, unless CLIENT UNBLOCK ended it. */
    private Reply retry(ClientSession s, Command c, long now) {
        int unblock = s.unblock;
        s.unblock = ClientSession.UNBLOCK_NONE;
        if (unblock == ClientSession.UNBLOCK_ERROR) {
            return Reply.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
        }
        Reply r = process(s, c, now);
        return unblock == ClientSession.UNBLOCK_TIMEOUT && r instanceof Reply.Blocked b ? b.timeoutReply() : r;
    }

    private static Reply deliver(ClientSession s, Command c, Reply r, boolean suppressed) {
        if (r instanceof Reply.Blocked b) {
            s.parked = ClientSession.copy(c);
            s.parkedSuppressed = suppressed;
            return suppressed ? new Reply.Blocked(b.deadlineMs(), Reply.SUPPRESSED) : b;
        }
        if (r instanceof Reply.Closing closing) {
            s.closed = true;
            return suppressed ? new Reply.Closing(Reply.SUPPRESSED) : closing;
        }
        return suppressed ? Reply.SUPPRESSED : r;
    }

    /** Redis's {@code processCommand}: the checks, then queue or run. The reply is in the client's protocol. */
    private Reply process(ClientSession s, Command c, long now) {
        s.argvBytes = c.payloadBytes();
        current.protocol(s.protocol);
        String name = c.name();
        CommandTable.Spec spec = CommandTable.spec(name);
        if (spec == null) {
            s.lastCommand = "NULL";
            return reject(s, c, CommandTable.unknownCommand(c));
        }
        if (!spec.arityOk(c.size())) {
            s.lastCommand = name;
            return reject(s, c, Reply.wrongArity(spec.fullName()));
        }
        // CLIENT's own check knows SETINFO (Redis 7.2), which the 7.0 command table does not describe.
        Reply bad = name.equals("CLIENT") ? ClientCommands.check(c) : CommandTable.check(c);
        s.lastCommand = bad != null ? "NULL" : fullName(c);
        if (bad != null) {
            return reject(s, c, bad);
        }
        if (s.authRequired(backend.password()) && !NO_AUTH.contains(name)) {
            return reject(s, c, NOAUTH);
        }
        if (s.multi && !NOT_QUEUED.contains(name)) {
            if (!s.dirtyExec && !s.dirtyCas && !sessions.mayQueue(s, c)) {
                return reject(s, c, Reply.error("ERR transaction too large: at most " + ClientSessions.MAX_QUEUED_COMMANDS
                        + " commands, and " + ClientSessions.MAX_QUEUED_BYTES + " bytes queued by all clients; "
                        + "send EXEC or DISCARD and split it"));
            }
            return transactions.queue(s, c);
        }
        if (name.equals("EXEC")) {
            if (s.standalone()) {
                return needsConnection("EXEC");
            }
            return transactions.exec(s, now, (session, queued) -> runQueued(session, queued, now));
        }
        return ProtocolShape.shape(execute(s, c, spec, now), s.protocol);
    }

    /** A command refused before it ran: it dooms an open transaction; EXEC's refusal ends it. */
    private Reply reject(ClientSession s, Command c, Reply error) {
        if (s.multi) {
            s.dirtyExec = true;
        }
        if (c.name().equals("EXEC")) {
            transactions.discard(s);
            String text = ((Reply.Error) error).text();
            return Reply.error("EXECABORT Transaction discarded because of: " + (text.startsWith("ERR ") ? text.substring(4) : text));
        }
        return error;
    }

    /** One queued command inside EXEC, in the session's protocol at that moment. */
    private Reply runQueued(ClientSession s, Command c, long now) {
        current.protocol(s.protocol);
        s.argvBytes = c.payloadBytes();
        return ProtocolShape.shape(execute(s, c, CommandTable.spec(c.name()), now), s.protocol);
    }

    private Reply execute(ClientSession s, Command c, CommandTable.Spec spec, long now) {
        return switch (c.name()) {
            case "HELLO", "AUTH", "SELECT", "RESET", "QUIT", "ECHO", "PING" -> connection.execute(s, c);
            case "CLIENT" -> clients.execute(s, c, now);
            case "MULTI", "DISCARD", "WATCH", "UNWATCH" -> s.standalone() ? needsConnection(c.name()) : transactions.execute(s, c, now);
            default -> runData(c, spec);
        };
    }

    /** A data command; when it changed collections in place, the watches of its keys are touched. */
    private Reply runData(Command c, CommandTable.Spec spec) {
        if (spec.readOnly() || !watches.listening()) {
            return backend.runData(c);
        }
        long before = backend.collectionMutations();
        Reply r = backend.runData(c);
        if (backend.collectionMutations() != before && spec.firstKey() > 0) {
            int last = spec.lastKey() < 0 ? c.size() + spec.lastKey() : Math.min(spec.lastKey(), c.size() - 1);
            for (int i = spec.firstKey(); i <= last; i += Math.max(1, spec.step())) {
                watches.touch(c.arg(i));
            }
        }
        return r;
    }

    /** The name with the subcommand of a container command (CLIENT LIST's {@code cmd}, lower-cased there); no copy for others. */
    private static String fullName(Command c) {
        return CONTAINERS.contains(c.name()) && c.size() > 1 ? c.name() + "|" + c.text(1) : c.name();
    }
}
