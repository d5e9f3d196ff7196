package agents;

import dev.caravan.core.mobility.AgentProtocol;
import dev.caravan.core.mobility.AgentStatus;
import dev.caravan.core.mobility.Itinerary;
import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.LocalProcess;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

/**
 * A mobile agent written as a plain CaravanProcess (weak mobility: a state machine stepped by
 * onTick, its itinerary position in its object state), speaking the agent protocol: it searches
 * the processes whose name contains {@code match} on each stop, dwells {@code dwell-ms} there,
 * moves itself on with {@link ProcessContext#requestMigration}, and brings results home.
 */
public final class TickAgent implements CaravanProcess {
    private ProcessContext ctx;
    private int hop;
    private int attempt;
    private boolean returning;
    private boolean recalled;
    private boolean moving;
    private long waitUntilMs;
    private String found = "";
    /** Set on a node thread when a move this agent asked for failed; read by onTick. */
    private volatile String moveFailure;

    @Override
    public void onStart(ProcessContext context, boolean restored) {
        ctx = context;
    }

    @Override
    public void onArrive(ProcessContext context) {
        ctx = context;
        moving = false;
        moveFailure = null;
    }

    @Override
    public void onTick(long nowMs) {
        Itinerary it = Itinerary.from(ctx.config());
        if (moving) {
            String failure = moveFailure;
            if (failure == null) {
                return;
            }
            moving = false;
            moveFailure = null;
            onMoveFailed(it, failure, nowMs);
            return;
        }
        if (nowMs < waitUntilMs) {
            return;
        }
        if (!returning && ctx.recalled()) {
            recalled = true;
            returning = true;
            found = found + "recalled after " + hop + " of " + it.size() + " stops\n";
        }
        if (!returning && hop < it.size()) {
            String stop = it.stop(hop);
            if (!stop.equals(ctx.nodeId())) {
                status(AgentStatus.State.TRAVELLING, it, "to " + stop);
                moveTo(stop);
                return;
            }
            status(AgentStatus.State.WORKING, it, "on " + stop);
            found = found + search();
            hop++;
            attempt = 0;
            waitUntilMs = nowMs + Long.parseLong(ctx.config().getOrDefault("dwell-ms", "0"));
            return;
        }
        returning = true;
        if (!ctx.nodeId().equals(it.home())) {
            status(AgentStatus.State.RETURNING, it, recalled ? "recalled" : "");
            moveTo(it.home());
            return;
        }
        status(AgentStatus.State.DONE, it, "");
    }

    private void onMoveFailed(Itinerary it, String failure, long nowMs) {
        if (returning) {
            waitUntilMs = nowMs + it.retryMs();
            return;
        }
        attempt++;
        Itinerary.OnDown next = it.afterFailedMove(attempt);
        if (next == Itinerary.OnDown.RETRY) {
            waitUntilMs = nowMs + it.retryMs();
            return;
        }
        found = found + it.stop(hop) + " skipped: " + failure + "\n";
        hop++;
        attempt = 0;
        if (next == Itinerary.OnDown.HOME) {
            returning = true;
        }
    }

    private void moveTo(String node) {
        moving = true;
        ctx.requestMigration(node, null).whenComplete((ok, failure) -> {
            if (failure != null) {
                moveFailure = String.valueOf(failure.getMessage());
            }
        });
    }

    private void status(AgentStatus.State state, Itinerary it, String detail) {
        ctx.statusLine(AgentStatus.of(state, hop, it.size(), detail).line());
    }

    private String search() {
        String match = ctx.config().getOrDefault("match", "");
        StringBuilder out = new StringBuilder();
        for (LocalProcess p : ctx.localProcesses()) {
            if (!p.name().startsWith(AgentProtocol.NAME_PREFIX) && p.name().contains(match)) {
                out.append(ctx.nodeId()).append(' ').append(p.name()).append('\n');
            }
        }
        return out.toString();
    }

    @Override
    public Reply onCommand(Command command) {
        if (command.name().equalsIgnoreCase(AgentProtocol.RESULTS)) {
            return Reply.bulk(found);
        }
        return Reply.error("ERR an agent answers " + AgentProtocol.RESULTS);
    }

    @Override
    public void writeState(BodyWriter out) {
        out.i32(hop).i32(attempt).bool(returning).bool(recalled).bool(moving).string(found);
    }

    @Override
    public void readState(int version, BodyReader in) {
        hop = in.i32();
        attempt = in.i32();
        returning = in.bool();
        recalled = in.bool();
        moving = in.bool();
        found = in.string();
    }
}
