package dev.caravan.switching.resp;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

/**
 * What the content-aware RESP front end answers itself, in redis-server 7.0.15's words (with
 * {@code --cluster-enabled yes} where cluster mode changes them):
 *
 * <pre>
 * PING            +PONG                 PING msg   $msg        QUIT   +OK, then the connection closes
 * ECHO msg        $msg                  SELECT 0   +OK         SELECT n   -ERR SELECT is not allowed in cluster mode
 * MULTI EXEC DISCARD WATCH UNWATCH      -ERR … transactions need every key on one process: use a process front end
 * DBSIZE KEYS SCAN RANDOMKEY FLUSHALL FLUSHDB SWAPDB MOVE WAIT
 *                                       -ERR … spans every backend: send it to each backend
 * (P|S)SUBSCRIBE … PUBLISH MONITOR RESET XREAD XREADGROUP
 *                                       -ERR … is not supported by a content-aware front end
 * </pre>
 *
 * Wrong arity gets Redis's {@code -ERR wrong number of arguments for '…' command}.
 *
 * <p>Threading: stateless; any thread.
 */
final class LocalReplies {
    private LocalReplies() {
    }

    /** The reply to a {@link CommandKeys.Kind#LOCAL} command. */
    static Reply answer(Command c) {
        return switch (c.name()) {
            case "PING" -> c.size() == 1 ? new Reply.Simple("PONG") : c.size() == 2 ? copy(c, 1) : Reply.wrongArity(c.name());
            case "ECHO" -> c.size() == 2 ? copy(c, 1) : Reply.wrongArity(c.name());
            case "QUIT" -> new Reply.Closing(Reply.OK);
            default -> throw new IllegalArgumentException(c.name() + " is not answered locally");
        };
    }

    /** The reply to a {@link CommandKeys.Kind#REFUSED} command. */
    static Reply refusal(Command c) {
        String name = c.name();
        return switch (name) {
            case "SELECT" -> c.size() != 2 ? Reply.wrongArity(name)
                    : !c.isOffHeap(1) && c.text(1).equals("0") ? Reply.OK : Reply.error("ERR SELECT is not allowed in cluster mode");
            case "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH" -> Reply.error("ERR " + name + " is not supported by a"
                    + " content-aware front end: a transaction needs every key on one process; use a process front end");
            case "DBSIZE", "KEYS", "SCAN", "RANDOMKEY", "FLUSHALL", "FLUSHDB", "SWAPDB", "MOVE", "WAIT" ->
                    Reply.error("ERR " + name + " spans every backend of a content-aware front end; send it to each backend");
            default -> Reply.error("ERR " + name + " is not supported by a content-aware front end");
        };
    }

    /** A bulk copy of argument {@code i} (the command's buffers are released after the batch). */
    private static Reply copy(Command c, int i) {
        if (c.isOffHeap(i)) {
            return Reply.error("ERR argument too long for a content-aware front end");
        }
        return new Reply.Bulk(c.arg(i).clone());
    }
}
