package dev.caravan.migration.testkit;

import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ClientRef;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test process with per-session state in its object state: {@code INCR} counts per session,
 * {@code WHO} answers "sessionId addr", {@code BYE} answers "bye" and closes the client,
 * {@code CLOSED} lists the sessions whose onClientClosed ran.
 */
public final class SessionProcess implements CaravanProcess {
    private final Map<Long, Long> counters = new LinkedHashMap<>();
    private final List<Long> closed = new ArrayList<>();

    @Override
    public void onStart(ProcessContext context, boolean restored) {
    }

    @Override
    public Reply onCommand(Command command) {
        return onCommand(ClientRef.NONE, command);
    }

    @Override
    public Reply onCommand(ClientRef client, Command c) {
        return switch (c.name()) {
            case "INCR" -> Reply.integer(counters.merge(client.sessionId(), 1L, Long::sum));
            case "WHO" -> Reply.bulk(client.sessionId() + " " + client.addr());
            case "BYE" -> new Reply.Closing(Reply.bulk("bye"));
            case "CLOSED" -> new Reply.Array(closed.stream().map(id -> Reply.bulk(Long.toString(id))).toList());
            default -> Reply.error("ERR unknown command '" + c.text(0) + "'");
        };
    }

    @Override
    public void onClientClosed(long sessionId) {
        counters.remove(sessionId);
        closed.add(sessionId);
    }

    @Override
    public void writeState(BodyWriter out) {
        out.i32(counters.size());
        counters.forEach((id, n) -> out.i64(id).i64(n));
        out.i32(closed.size());
        closed.forEach(out::i64);
    }

    @Override
    public void readState(int version, BodyReader in) {
        int n = in.count(1 << 20, "session");
        for (int i = 0; i < n; i++) {
            counters.put(in.i64(), in.i64());
        }
        int m = in.count(1 << 20, "closed session");
        for (int i = 0; i < m; i++) {
            closed.add(in.i64());
        }
    }
}
