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
 * Every other command: an error naming these.
 */
public final class LoopCounter implements LoopProcess {
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
                long n = Long.parseLong(r.command().text(1));
                sum = sum + n;
                ctx.reply(r, Reply.bulk(sum + ":" + served));
            } else if (cmd.equals("GET") && args == 1) {
                ctx.reply(r, Reply.bulk(sum + ":" + served));
            } else if (cmd.equals("NAP") && args == 2) {
                long ms = Long.parseLong(r.command().text(1));
                ctx.reply(r, Reply.OK);
                ctx.sleep(ms);
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
