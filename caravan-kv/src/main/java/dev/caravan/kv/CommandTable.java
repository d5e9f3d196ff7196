package dev.caravan.kv;

import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands {@link KvProcess} serves, with Redis's arity (exact if positive, minimum if
 * negative, name included) and flags, for arity checks and the COMMAND reply. Immutable.
 */
final class CommandTable {
    record Spec(String name, int arity, boolean readOnly, int firstKey, int lastKey, int step) {
    }

    static final Map<String, Spec> SPECS = build();

    private CommandTable() {
    }

    private static Map<String, Spec> build() {
        Map<String, Spec> m = new LinkedHashMap<>();
        add(m, "GET", 2, true, 1, 1, 1);
        add(m, "SET", -3, false, 1, 1, 1);
        add(m, "MGET", -2, true, 1, -1, 1);
        add(m, "MSET", -3, false, 1, -1, 2);
        add(m, "INCR", 2, false, 1, 1, 1);
        add(m, "DECR", 2, false, 1, 1, 1);
        add(m, "INCRBY", 3, false, 1, 1, 1);
        add(m, "DECRBY", 3, false, 1, 1, 1);
        add(m, "DEL", -2, false, 1, -1, 1);
        add(m, "EXISTS", -2, true, 1, -1, 1);
        add(m, "EXPIRE", -3, false, 1, 1, 1);
        add(m, "PEXPIRE", -3, false, 1, 1, 1);
        add(m, "PERSIST", 2, false, 1, 1, 1);
        add(m, "TTL", 2, true, 1, 1, 1);
        add(m, "PTTL", 2, true, 1, 1, 1);
        add(m, "PING", -1, true, 0, 0, 0);
        add(m, "ECHO", 2, true, 0, 0, 0);
        add(m, "DBSIZE", 1, true, 0, 0, 0);
        add(m, "FLUSHALL", -1, false, 0, 0, 0);
        add(m, "FLUSHDB", -1, false, 0, 0, 0);
        add(m, "INFO", -1, true, 0, 0, 0);
        add(m, "COMMAND", -1, true, 0, 0, 0);
        add(m, "CONFIG", -2, false, 0, 0, 0);
        add(m, "CLIENT", -2, false, 0, 0, 0);
        add(m, "SELECT", 2, false, 0, 0, 0);
        add(m, "QUIT", -1, false, 0, 0, 0);
        return Map.copyOf(m);
    }

    private static void add(Map<String, Spec> m, String name, int arity, boolean ro, int first, int last, int step) {
        m.put(name, new Spec(name, arity, ro, first, last, step));
    }

    static boolean arityOk(Spec s, int size) {
        return s.arity() >= 0 ? size == s.arity() : size >= -s.arity();
    }

    /** One entry of the COMMAND reply: name, arity, flags, first key, last key, step. */
    static Reply info(Spec s) {
        List<Reply> flags = new ArrayList<>();
        flags.add(new Reply.Simple(s.readOnly() ? "readonly" : "write"));
        if (s.firstKey() == 0) {
            flags.add(new Reply.Simple("fast"));
        }
        return new Reply.Array(List.of(Reply.bulk(s.name().toLowerCase(java.util.Locale.ROOT)), Reply.integer(s.arity()),
                new Reply.Array(flags), Reply.integer(s.firstKey()), Reply.integer(s.lastKey()), Reply.integer(s.step())));
    }
}
