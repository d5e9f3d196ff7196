package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CONFIG GET pattern [pattern …], CONFIG RESETSTAT and CONFIG HELP, as redis-server 7.0's
 * {@code configGetCommand}: a pattern without glob characters names one parameter (any case)
 * and is answered under the name as given; a glob pattern matches parameter names without case;
 * each parameter is answered once; the reply is a RESP3 map (a flat array for RESP2) whose
 * order is unspecified, as Redis's. The parameters are the ones clients and redis-benchmark ask
 * for, each with the value that describes what this process really does: no RDB or AOF
 * persistence, one database, no idle timeout, the 10,000 connections a node's data endpoint
 * serves, {@code maxmemory} the paged memory's capacity with writes refused beyond it, no
 * keyspace notifications, and the sorted-set encoding limits whose behaviour {@link SortedSet}
 * copies. CONFIG SET and REWRITE are not served (an unknown
 * subcommand): nothing here can be changed at run time. Process thread only.
 */
final class ConfigCommand {
    private static final String[] HELP = {
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
    };

    private ConfigCommand() {
    }

    static Reply execute(Command c, long maxMemoryBytes, KvStats stats, KvStore store) {
        return switch (c.text(1).toUpperCase(Locale.ROOT)) {
            case "GET" -> get(c, parameters(maxMemoryBytes));
            case "RESETSTAT" -> {
                stats.reset();
                store.resetExpiredKeys();
                yield Reply.OK;
            }
            case "HELP" -> CommandCommand.help(c, HELP);
            default -> CommandTable.unknownSubcommand(c);
        };
    }

    /** The parameters served, by name, with their values. */
    static Map<String, String> parameters(long maxMemoryBytes) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("save", "");
        p.put("appendonly", "no");
        p.put("databases", "1");
        p.put("maxmemory", Long.toString(maxMemoryBytes));
        p.put("maxmemory-policy", "noeviction");
        p.put("timeout", "0");
        // The connections a node's data endpoint serves at once (servers' ServerOptions.defaults()).
        p.put("maxclients", "10000");
        p.put("proto-max-bulk-len", Long.toString(StringRangeCommands.MAX_STRING_BYTES));
        p.put("notify-keyspace-events", "");
        p.put("zset-max-listpack-entries", Integer.toString(SortedSet.COMPACT_ENTRIES));
        p.put("zset-max-listpack-value", Integer.toString(SortedSet.COMPACT_MEMBER_BYTES));
        return p;
    }

    private static Reply get(Command c, Map<String, String> params) {
        Map<String, String> found = new LinkedHashMap<>();
        for (int i = 2; i < c.size(); i++) {
            byte[] pattern = c.arg(i);
            String name = new String(pattern, StandardCharsets.UTF_8);
            if (!hasGlob(name)) {
                String key = name.toLowerCase(Locale.ROOT);
                if (params.containsKey(key) && !containsIgnoringCase(found, name)) {
                    found.put(name, params.get(key));
                }
                continue;
            }
            for (Map.Entry<String, String> p : params.entrySet()) {
                if (!containsIgnoringCase(found, p.getKey())
                        && Glob.matchesIgnoringCase(pattern, p.getKey().getBytes(StandardCharsets.UTF_8))) {
                    found.put(p.getKey(), p.getValue());
                }
            }
        }
        List<Reply> out = new ArrayList<>();
        found.forEach((k, v) -> {
            out.add(Reply.bulk(k));
            out.add(Reply.bulk(v));
        });
        return new Reply.Map(out);
    }

    private static boolean hasGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }

    private static boolean containsIgnoringCase(Map<String, String> found, String name) {
        for (String k : found.keySet()) {
            if (k.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
