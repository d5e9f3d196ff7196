package agents;

import dev.caravan.core.mobility.AgentProtocol;
import dev.caravan.core.mobility.AgentStatus;
import dev.caravan.core.mobility.CloneResult;
import dev.caravan.core.mobility.Itinerary;
import dev.caravan.core.mobility.LoopContext;
import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.core.mobility.MoveResult;
import dev.caravan.core.mobility.Request;
import dev.caravan.core.process.LocalProcess;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A mobile agent that searches the processes hosted on each node of its itinerary and brings
 * what it found home (caravan agent launch search-agent.jar --class agents.SearchAgent
 * --itinerary n1,n2,n3 --set match=kv).
 *
 * <p>Settings: {@code match} (a substring of the process names to report; "" reports all but
 * agents), {@code clone=true} to visit the second half of the itinerary with a clone of itself,
 * in parallel, {@code dwell-ms} to stay that long at each stop after its search (a sleep: the
 * agent may be recalled meanwhile); and the itinerary's own ({@link Itinerary}). Recall
 * ({@code ProcessContext.recalled()}) is checked before every move: recalled while it works or
 * dwells at a stop, it goes home from that stop. One result line per process found:
 * {@code node name class state memoryBytes commandsServed [keys=N]} (keys: DBSIZE, asked of
 * processes of the kv sample), and one line per stop skipped.
 *
 * <p>Only strings, numbers, booleans and records of those are live at its suspension points
 * (moveTo, cloneTo, sleep, receive): what Caravan's continuation format carries. Every use of
 * other types (the settings map, the list of local processes, replies) stays inside methods that
 * do not suspend.
 */
public final class SearchAgent implements LoopProcess {
    @Override
    public void run(LoopContext ctx) {
        Itinerary it = Itinerary.from(ctx.process().config());
        String match = setting(ctx, "match");
        boolean parallel = "true".equals(setting(ctx, "clone"));
        long dwellMs = setting(ctx, "dwell-ms").isEmpty() ? 0 : Long.parseLong(setting(ctx, "dwell-ms"));
        String name = ctx.process().name();
        String cloneName = "";
        boolean isClone = false;
        int first = 0;
        int end = it.size();
        String found = "";
        if (parallel && it.size() > 1) {
            int half = it.size() / 2;
            CloneResult c = ctx.cloneTo(it.stop(half), AgentProtocol.cloneName(name, 1));
            if (c.isClone()) {
                isClone = true;
                first = half;
            } else if (c.cloned()) {
                cloneName = c.cloneName();
                end = half;
            } else {
                found = found.concat("no clone to " + it.stop(half) + ": " + c.reason() + "\n");
            }
        }
        int hop = first;
        int attempt = 0;
        while (hop < end && !ctx.process().recalled()) {
            String stop = it.stop(hop);
            status(ctx, AgentStatus.State.TRAVELLING, hop - first, end - first, "to " + stop);
            if (ctx.process().recalled()) {
                break; // checked again right before each move: a recall during the work here goes home from here
            }
            MoveResult m = stop.equals(ctx.nodeId()) ? new MoveResult(true, stop, "") : ctx.moveTo(stop);
            if (!m.moved()) {
                attempt++;
                if (it.afterFailedMove(attempt) == Itinerary.OnDown.RETRY) {
                    status(ctx, AgentStatus.State.TRAVELLING, hop - first, end - first, "to " + stop + " (attempt "
                            + (attempt + 1) + "): " + m.reason());
                    ctx.sleep(it.retryMs());
                    continue;
                }
                boolean goHome = it.afterFailedMove(attempt) == Itinerary.OnDown.HOME;
                found = found.concat(stop + " skipped: " + m.reason() + "\n");
                attempt = 0;
                hop++;
                if (goHome) {
                    break;
                }
                continue;
            }
            attempt = 0;
            status(ctx, AgentStatus.State.WORKING, hop - first, end - first, "on " + stop);
            found = found.concat(search(ctx, match));
            hop++;
            if (dwellMs > 0) {
                ctx.sleep(dwellMs);
            }
        }
        boolean recalled = ctx.process().recalled();
        while (!ctx.nodeId().equals(it.home())) {
            status(ctx, AgentStatus.State.RETURNING, hop - first, end - first, recalled ? "recalled" : "");
            MoveResult m = ctx.moveTo(it.home());
            if (!m.moved()) {
                status(ctx, AgentStatus.State.RETURNING, hop - first, end - first, "home unreachable: " + m.reason());
                ctx.sleep(it.retryMs());
            }
        }
        if (recalled) {
            found = found.concat("recalled after " + (hop - first) + " of " + (end - first) + " stops\n");
        }
        if (!cloneName.isEmpty()) {
            status(ctx, AgentStatus.State.HOME, hop - first, end - first, "waiting for clone " + cloneName);
            String theirs = null;
            for (int tries = 0; theirs == null && tries < 1200; tries++) {
                theirs = ask(ctx, cloneName, AgentProtocol.RESULTS);
                if (theirs == null) {
                    ctx.sleep(100);
                }
            }
            found = found.concat(theirs == null ? "clone " + cloneName + " did not come home\n" : theirs);
            ask(ctx, cloneName, AgentProtocol.STOP);
        }
        status(ctx, isClone ? AgentStatus.State.HOME : AgentStatus.State.DONE, hop - first, end - first, "");
        while (true) {
            Request r = ctx.receive();
            String command = r.command().name().toUpperCase(java.util.Locale.ROOT);
            if (command.equals(AgentProtocol.RESULTS)) {
                ctx.reply(r, Reply.bulk(found));
            } else if (command.equals(AgentProtocol.STOP)) {
                status(ctx, AgentStatus.State.DONE, hop - first, end - first, "results collected");
                ctx.reply(r, Reply.OK);
                return;
            } else {
                ctx.reply(r, Reply.error("ERR an agent at home answers " + AgentProtocol.RESULTS + " and " + AgentProtocol.STOP));
            }
        }
    }

    private static String setting(LoopContext ctx, String key) {
        return ctx.process().config().getOrDefault(key, "");
    }

    private static void status(LoopContext ctx, AgentStatus.State state, int hop, int hops, String detail) {
        ctx.process().statusLine(AgentStatus.of(state, hop, hops, detail).line());
    }

    /** One line per local process whose name contains {@code match} (agents left out). */
    private static String search(LoopContext ctx, String match) {
        StringBuilder out = new StringBuilder();
        for (LocalProcess p : ctx.process().localProcesses()) {
            if (p.name().startsWith(AgentProtocol.NAME_PREFIX) || !p.name().contains(match)) {
                continue;
            }
            out.append(ctx.nodeId()).append(' ').append(p.name()).append(' ').append(p.className()).append(' ')
                    .append(p.state()).append(' ').append(p.memoryBytes()).append(' ').append(p.commandsServed());
            if (p.className().equals("dev.caravan.kv.KvProcess")) {
                String keys = ask(ctx, p.name(), "DBSIZE");
                out.append(" keys=").append(keys == null ? "?" : keys);
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Sends one command to a process on this node; its reply as text, or null when it is not here or did not answer. */
    private static String ask(LoopContext ctx, String process, String command) {
        try {
            Reply r = ctx.process().callLocal(process, Command.of(command)).get(2, TimeUnit.SECONDS);
            if (r instanceof Reply.Bulk b) {
                return new String(b.value(), StandardCharsets.UTF_8);
            }
            if (r instanceof Reply.Int i) {
                return Long.toString(i.value());
            }
            return r instanceof Reply.Error ? null : r.toString();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
