package dev.caravan.mobility.samples;

import dev.caravan.core.mobility.LoopContext;
import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.core.mobility.MoveResult;
import dev.caravan.core.mobility.Request;
import dev.caravan.wire.command.Reply;

import java.util.Locale;

/**
 * The node's built-in {@code loop-counter} sample: strong mobility without a bundle. Its state
 * lives only in the locals of its loop, so that {@code caravan migrate} (any mode), {@code caravan
 * clone} and checkpoints visibly carry them.
 * <pre>
 * ADD n      adds n; answers "sum:served"       GET      answers "sum:served"
 * NAP ms     answers OK, then sleeps ms          MOVE id  answers OK, then moves itself to node id
 * LAST       what the last MOVE returned        QUIT     answers OK, then returns: the node stops it
 * </pre>
 * Every other command: an error naming these. A bad argument is answered as redis-server 7.0
 * answers INCRBY and BLPOP ({@code ERR value is not an integer or out of range}, {@code ERR
 * increment or decrement would overflow}, {@code ERR timeout is negative}) and the loop goes on:
 * an exception escaping {@code run} would fail the process.
 */
public final class LoopCounter implements LoopProcess {
    private static final String NOT_AN_INTEGER = "ERR value is not an integer or out of range";

    /** Redis's {@code string2ll}: optional '-', decimal digits, no '+', blanks or leading zeros ("-0" neither), within a long. */
    static boolean isInteger(String s) {
        int start = s.startsWith("-") ? 1 : 0;
        if (s.length() == start || s.length() > 20) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        if (s.charAt(start) == '0' && s.length() > start + 1 || s.equals("-0")) {
            return false;
        }
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
    @Override
    public void run(LoopContext ctx) {
        long sum = 0;
        long served = 0;
        String last = "no move yet";
        while (true) {
            Request r = ctx.receive();
            served++;
            String cmd = r.command().name().toUpperCase(Locale.ROOT);
            int args = r.command().size();
            if (cmd.equals("ADD") && args == 2) {
                String text = r.command().text(1);
                if (!isInteger(text)) {
                    ctx.reply(r, Reply.error(NOT_AN_INTEGER));
                } else {
                    long n = Long.parseLong(text);
                    if (n > 0 ? sum > Long.MAX_VALUE - n : sum < Long.MIN_VALUE - n) {
                        ctx.reply(r, Reply.error("ERR increment or decrement would overflow"));
                    } else {
                        sum = sum + n;
                        ctx.reply(r, Reply.bulk(sum + ":" + served));
                    }
                }
            } else if (cmd.equals("GET") && args == 1) {
                ctx.reply(r, Reply.bulk(sum + ":" + served));
            } else if (cmd.equals("NAP") && args == 2) {
                String text = r.command().text(1);
                if (!isInteger(text)) {
                    ctx.reply(r, Reply.error(NOT_AN_INTEGER));
                } else if (Long.parseLong(text) < 0) {
                    ctx.reply(r, Reply.error("ERR timeout is negative"));
                } else {
                    long ms = Long.parseLong(text);
                    ctx.reply(r, Reply.OK);
                    ctx.sleep(ms);
                }
            } else if (cmd.equals("MOVE") && args == 2) {
                String target = r.command().text(1);
                ctx.reply(r, Reply.OK);
                MoveResult m = ctx.moveTo(target);
                last = m.moved() ? "moved to " + m.nodeId() : "stayed on " + m.nodeId() + ": " + m.reason();
            } else if (cmd.equals("LAST") && args == 1) {
                ctx.reply(r, Reply.bulk(last));
            } else if (cmd.equals("QUIT") && args == 1) {
                ctx.reply(r, Reply.OK);
                return;
            } else {
                ctx.reply(r, Reply.error("ERR loop-counter takes ADD n, GET, NAP ms, MOVE node, LAST, QUIT"));
            }
        }
    }
}
