package dev.caravan.wire.resp;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The session link: how an endpoint that holds client connections (a process's stable
 * endpoint, a migration hand-off, later a switch) sends each client's command batches to a
 * process's data endpoint over <em>pooled</em> connections while the process still sees one
 * session per client. Plain RESP on the data port, so that nothing but the data endpoint's
 * protocol has to know it; this class defines its bytes once, for both sides.
 *
 * <h2>Requests (forwarder → data endpoint), each an ordinary RESP array of bulk strings</h2>
 * <pre>
 * hello, the first command on a link connection, once:
 *   *3\r\n $12\r\n CARAVAN.LINK\r\n $1\r\n 1\r\n $len\r\n &lt;cluster token&gt;\r\n           → +OK\r\n
 *       (version 1; a wrong token gets -ERR ... and the connection closes; "" when the
 *        cluster has no token)
 * one client batch:
 *   *5\r\n $13\r\n CARAVAN.BATCH\r\n $len\r\n &lt;sessionId&gt;\r\n $len\r\n &lt;addr&gt;\r\n
 *          $len\r\n &lt;laddr&gt;\r\n $len\r\n &lt;n&gt;\r\n
 *   followed by the client's n commands, each as the client sent it (*k\r\n $..\r\n ...)
 *       sessionId  decimal, 0..2^63-1, no sign or leading zeros (0 = no session)
 *       addr/laddr the client's address and the address it connected to, host:port, at most
 *                  {@value #MAX_ADDRESS_BYTES} bytes each
 *       n          1..{@value #MAX_BATCH_COMMANDS}
 * a client connection closed (the process drops the session's state):
 *   *2\r\n $14\r\n CARAVAN.CLOSED\r\n $len\r\n &lt;sessionId&gt;\r\n                      → +OK\r\n
 * </pre>
 *
 * <h2>The reply to a batch: one array, n + 1 elements</h2>
 * <pre>
 *   *&lt;n+1&gt;\r\n $n\r\n &lt;flags&gt;\r\n &lt;slot 1&gt; ... &lt;slot n&gt;
 *
 *   flag  meaning for command i                                   slot i
 *   '.'   an ordinary reply                                       the reply (any RESP2/RESP3 kind)
 *   's'   {@link Reply.Suppressed}: the client gets nothing        $-1 (placeholder)
 *   'c'   {@link Reply.Closing}: write the slot, then close it     the reply to write
 *   'k'   Closing(Suppressed): close the client, write nothing    $-1 (placeholder)
 *
 *   e.g. a batch of OK, CLIENT REPLY SKIP's silence, and QUIT:
 *   *4\r\n $3\r\n .sc\r\n +OK\r\n $-1\r\n +OK\r\n
 * </pre>
 * Control replies travel as facts, never as their effect: the data endpoint does not close
 * a link connection because a client's command asked to close, so a link connection stays
 * in a known state after every complete exchange and can go back to its pool.
 * {@link Reply.Blocked} is never framed (the runtime parks such a batch). A batch the data
 * endpoint did not run ({@code -MOVED}, {@code -TRYAGAIN}) is framed like any other, one
 * error per slot, so the forwarder can resend it elsewhere.
 *
 * <h2>Sessions</h2>
 * Session ids are chosen by the forwarder from a secure random source, so that a client
 * cannot name another's session; a session id the process has not seen starts a fresh,
 * unauthenticated session. A link connection's own end closes no session.
 */
public final class SessionLink {
    /** The hello command's name. */
    public static final String HELLO = "CARAVAN.LINK";
    /** The batch header's name. */
    public static final String BATCH = "CARAVAN.BATCH";
    /** The closed-session notice's name. */
    public static final String CLOSED = "CARAVAN.CLOSED";
    /** The link's version, sent in the hello. */
    public static final String VERSION = "1";
    /** Most commands one batch header may announce. */
    public static final int MAX_BATCH_COMMANDS = 65_536;
    /** Longest {@code addr} or {@code laddr} accepted. */
    public static final int MAX_ADDRESS_BYTES = 256;

    private static final Reply PLACEHOLDER = Reply.NIL;

    private SessionLink() {
    }

    /** What a batch header announces. */
    public record Header(long sessionId, String addr, String laddr, int count) {
    }

    /** The hello that opens a link connection. */
    public static Command hello(String token) {
        return Command.of(HELLO, VERSION, token);
    }

    /** The header of a batch of {@code count} commands from session {@code sessionId}. */
    public static Command batchHeader(long sessionId, String addr, String laddr, int count) {
        if (sessionId < 0 || count < 1 || count > MAX_BATCH_COMMANDS) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a link batch needs a session id >= 0 and 1.." + MAX_BATCH_COMMANDS
                    + " commands, got session " + sessionId + " and " + count + " commands");
        }
        return Command.of(BATCH, Long.toString(sessionId), addr, laddr, Integer.toString(count));
    }

    /** The notice that session {@code sessionId}'s client connection closed. */
    public static Command closed(long sessionId) {
        return Command.of(CLOSED, Long.toString(sessionId));
    }

    /**
     * Whether {@code hello} opens a link with {@code expectedToken} (compared in constant time).
     *
     * @throws CaravanException MALFORMED when it is not a version-1 hello
     */
    public static boolean admits(Command hello, String expectedToken) {
        if (hello.size() != 3 || !hello.name().equals(HELLO) || !hello.text(1).equals(VERSION)) {
            throw ErrorCode.MALFORMED.exception("session link: expected '" + HELLO + " " + VERSION + " <token>', got " + hello.name());
        }
        return MessageDigest.isEqual(expectedToken.getBytes(StandardCharsets.UTF_8), hello.arg(2));
    }

    /**
     * Parses a batch header.
     *
     * @throws CaravanException MALFORMED when it is not one, or a field is out of range
     */
    public static Header parseBatch(Command c) {
        if (c.size() != 5 || !c.name().equals(BATCH)) {
            throw ErrorCode.MALFORMED.exception("session link: expected " + BATCH + " <sessionId> <addr> <laddr> <n>, got "
                    + c.name() + " with " + (c.size() - 1) + " arguments");
        }
        long id = decimal(c.arg(1), "session id");
        long n = decimal(c.arg(4), "command count");
        if (n < 1 || n > MAX_BATCH_COMMANDS) {
            throw ErrorCode.MALFORMED.exception("session link: a batch has 1.." + MAX_BATCH_COMMANDS + " commands, got " + n);
        }
        return new Header(id, address(c.arg(2)), address(c.arg(3)), (int) n);
    }

    /**
     * The session id of a closed-session notice.
     *
     * @throws CaravanException MALFORMED when it is not one
     */
    public static long parseClosed(Command c) {
        if (c.size() != 2 || !c.name().equals(CLOSED)) {
            throw ErrorCode.MALFORMED.exception("session link: expected " + CLOSED + " <sessionId>, got " + c.name());
        }
        return decimal(c.arg(1), "session id");
    }

    /** The framed reply to a batch (see the class comment); {@link Reply.Blocked} is refused. */
    public static Reply frame(Reply[] replies) {
        byte[] flags = new byte[replies.length];
        List<Reply> items = new ArrayList<>(replies.length + 1);
        items.add(new Reply.Bulk(flags));
        for (int i = 0; i < replies.length; i++) {
            Reply r = replies[i];
            switch (r) {
                case Reply.Suppressed s -> {
                    flags[i] = 's';
                    items.add(PLACEHOLDER);
                }
                case Reply.Closing c -> {
                    Reply inner = c.reply();
                    while (inner instanceof Reply.Closing nested) {
                        inner = nested.reply();
                    }
                    if (inner instanceof Reply.Suppressed) {
                        flags[i] = 'k';
                        items.add(PLACEHOLDER);
                    } else {
                        flags[i] = 'c';
                        items.add(checkWritable(inner));
                    }
                }
                default -> {
                    flags[i] = '.';
                    items.add(checkWritable(r));
                }
            }
        }
        return new Reply.Array(items);
    }

    /**
     * The replies a framed reply carries, control kinds restored.
     *
     * @throws CaravanException MALFORMED when {@code framed} is not a well-formed frame of
     *                          {@code expected} replies: the link is out of step
     */
    public static Reply[] unframe(Reply framed, int expected) {
        if (!(framed instanceof Reply.Array a) || a.items().size() != expected + 1
                || !(a.items().get(0) instanceof Reply.Bulk flagBulk) || flagBulk.value().length != expected) {
            throw ErrorCode.MALFORMED.exception("session link: expected a framed reply of " + expected + " replies, got "
                    + describe(framed));
        }
        byte[] flags = flagBulk.value();
        Reply[] replies = new Reply[expected];
        for (int i = 0; i < expected; i++) {
            Reply slot = a.items().get(i + 1);
            replies[i] = switch (flags[i]) {
                case '.' -> slot;
                case 's' -> Reply.SUPPRESSED;
                case 'c' -> new Reply.Closing(slot);
                case 'k' -> new Reply.Closing(Reply.SUPPRESSED);
                default -> throw ErrorCode.MALFORMED.exception("session link: unknown reply flag byte " + (flags[i] & 0xFF));
            };
        }
        return replies;
    }

    private static Reply checkWritable(Reply r) {
        if (r instanceof Reply.Blocked || r instanceof Reply.Suppressed) {
            throw new IllegalStateException("a " + r.getClass().getSimpleName() + " reply cannot be framed in this place");
        }
        return r;
    }

    private static String describe(Reply r) {
        String s = String.valueOf(r);
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** Decimal 0..2^63-1: digits only, no leading zeros. */
    private static long decimal(byte[] b, String what) {
        if (b.length == 0 || b.length > 19 || (b[0] == '0' && b.length > 1)) {
            throw ErrorCode.MALFORMED.exception("session link: invalid " + what);
        }
        long v = 0;
        for (byte x : b) {
            int d = x - '0';
            if (d < 0 || d > 9 || v > (Long.MAX_VALUE - d) / 10) {
                throw ErrorCode.MALFORMED.exception("session link: invalid " + what);
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static String address(byte[] b) {
        if (b.length > MAX_ADDRESS_BYTES) {
            throw ErrorCode.MALFORMED.exception("session link: an address longer than " + MAX_ADDRESS_BYTES + " bytes");
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
