package dev.caravan.node;

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
 * A test process with per-session state, kept in its object state so that it moves with it:
 *
 * <pre>
 * INCR        the session's own counter, +1
 * WHO         "sessionId addr laddr" of the caller
 * OFF         nothing is written (Suppressed)
 * BYE         "bye", then the connection closes (Closing)
 * KILL id     disconnects session id (CLIENT KILL)
 * CLOSED      the ids whose onClientClosed ran, oldest first
 * SESSIONS    how many sessions have a counter
 * AUTH pw     "ok" when the SHA-256 of pw is the deployed auth.password.sha256 (no such key: "none")
 * </pre>
 */
public final class SessionCounter implements CaravanProcess {
    private final Map<Long, Long> counters = new LinkedHashMap<>();
    private final List<Long> closed = new ArrayList<>();
    private ProcessContext context;

    public SessionCounter() {
    }

    @Override
    public void onStart(ProcessContext ctx, boolean restored) {
        this.context = ctx;
    }

    @Override
    public Reply onCommand(Command command) {
        return onCommand(ClientRef.NONE, command);
    }

    @Override
    public Reply onCommand(ClientRef client, Command c) {
        return switch (c.name()) {
            case "INCR" -> Reply.integer(counters.merge(client.sessionId(), 1L, Long::sum));
            case "WHO" -> Reply.bulk(client.sessionId() + " " + client.addr() + " " + client.laddr());
            case "OFF" -> Reply.SUPPRESSED;
            case "BYE" -> new Reply.Closing(Reply.bulk("bye"));
            case "KILL" -> {
                context.disconnectClient(Long.parseLong(c.text(1)));
                yield Reply.OK;
            }
            case "CLOSED" -> new Reply.Array(closed.stream().map(id -> Reply.bulk(Long.toString(id))).toList());
            case "SESSIONS" -> Reply.integer(counters.size());
            case "AUTH" -> {
                String want = context.config().get("auth.password.sha256");
                yield Reply.bulk(want == null ? "none" : want.equals(sha256(c.text(1))) ? "ok" : "wrong");
            }
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

    static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
