package dev.caravan.kv;

import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a command's reply into the kinds the client's protocol has, as redis-server 7.0's
 * {@code addReply*} functions do for each client ({@code networking.c}):
 *
 * <pre>
 * kind            RESP2 client                      RESP3 client
 * Map             flat array k1 v1 k2 v2 …          unchanged (%n)
 * Set             array                             unchanged (~n)
 * Double(text)    bulk string of text               unchanged (,text)
 * Bool            integer 1 / 0                     unchanged (#t / #f)
 * BigNumber       bulk string of the digits         unchanged
 * Verbatim        bulk string of the text (no fmt)  unchanged (=len fmt:text)
 * Null            null bulk ($-1)                   unchanged (_)
 * Nil, NilArray   unchanged ($-1, *-1)              Null (_)
 * </pre>
 *
 * Aggregates are converted recursively; control replies ({@link Reply.Closing},
 * {@link Reply.Blocked}) have the reply they carry converted. A reply that needs no change is
 * returned as is, without copying. Shapes that differ by more than kind — a sorted set's
 * member/score pairs, nested for RESP3, flat for RESP2 — are the commands' business
 * ({@link CurrentClient#resp3()}). Pure; any thread.
 */
final class ProtocolShape {
    private ProtocolShape() {
    }

    /**
     * {@code reply} as a client speaking RESP {@code protocol} (2 or 3) must see it.
     *
     * @throws IllegalArgumentException for another protocol version
     */
    static Reply shape(Reply reply, int protocol) {
        return switch (protocol) {
            case 2 -> resp2(reply);
            case 3 -> resp3(reply);
            default -> throw new IllegalArgumentException("RESP protocol version 2 or 3, got " + protocol);
        };
    }

    private static Reply resp2(Reply r) {
        return switch (r) {
            case Reply.Simple s -> s;
            case Reply.Error e -> e;
            case Reply.Int i -> i;
            case Reply.Bulk b -> b;
            case Reply.Nil n -> n;
            case Reply.NilArray n -> n;
            case Reply.Array a -> {
                List<Reply> items = convert(a.items(), 2);
                yield items == a.items() ? a : new Reply.Array(items);
            }
            case Reply.Map m -> new Reply.Array(convert(m.keysAndValues(), 2));
            case Reply.Set s -> new Reply.Array(convert(s.items(), 2));
            case Reply.Double d -> Reply.bulk(d.text());
            case Reply.Bool b -> Reply.integer(b.value() ? 1 : 0);
            case Reply.BigNumber n -> Reply.bulk(n.digits());
            case Reply.Verbatim v -> new Reply.Bulk(v.text());
            case Reply.Null n -> Reply.NIL;
            case Reply.Suppressed s -> s;
            case Reply.Closing c -> {
                Reply inner = resp2(c.reply());
                yield inner == c.reply() ? c : new Reply.Closing(inner);
            }
            case Reply.Blocked b -> {
                Reply inner = resp2(b.timeoutReply());
                yield inner == b.timeoutReply() ? b : new Reply.Blocked(b.deadlineMs(), inner);
            }
        };
    }

    private static Reply resp3(Reply r) {
        return switch (r) {
            case Reply.Nil n -> Reply.NULL;
            case Reply.NilArray n -> Reply.NULL;
            case Reply.Array a -> {
                List<Reply> items = convert(a.items(), 3);
                yield items == a.items() ? a : new Reply.Array(items);
            }
            case Reply.Map m -> {
                List<Reply> items = convert(m.keysAndValues(), 3);
                yield items == m.keysAndValues() ? m : new Reply.Map(items);
            }
            case Reply.Set s -> {
                List<Reply> items = convert(s.items(), 3);
                yield items == s.items() ? s : new Reply.Set(items);
            }
            case Reply.Closing c -> {
                Reply inner = resp3(c.reply());
                yield inner == c.reply() ? c : new Reply.Closing(inner);
            }
            case Reply.Blocked b -> {
                Reply inner = resp3(b.timeoutReply());
                yield inner == b.timeoutReply() ? b : new Reply.Blocked(b.deadlineMs(), inner);
            }
            default -> r;
        };
    }

    /** The items converted; the same list when none changed. */
    private static List<Reply> convert(List<Reply> items, int protocol) {
        List<Reply> out = null;
        for (int i = 0; i < items.size(); i++) {
            Reply item = items.get(i);
            Reply shaped = protocol == 2 ? resp2(item) : resp3(item);
            if (out == null && shaped != item) {
                out = new ArrayList<>(items.size());
                out.addAll(items.subList(0, i));
            }
            if (out != null) {
                out.add(shaped);
            }
        }
        return out == null ? items : out;
    }
}
