package dev.caravan.node;

import dev.caravan.core.mobility.LoopContext;
import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.core.mobility.Request;
import dev.caravan.wire.command.Reply;

/** A test loop process: answers "served N" to each command, and BOOM makes its loop throw (the process FAILS). */
public final class ThrowingLoop implements LoopProcess {
    public ThrowingLoop() {
    }

    @Override
    public void run(LoopContext ctx) {
        long served = 0;
        while (true) {
            Request r = ctx.receive();
            served++;
            if (r.command().name().equals("BOOM")) {
                throw new IllegalStateException("boom after " + served);
            }
            ctx.reply(r, Reply.bulk("served " + served));
        }
    }
}
