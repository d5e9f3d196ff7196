package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.RespReplyReader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The commands {@link KvProcess} serves, described as redis-server 7.0.15 describes them.
 *
 * <p>{@link #SUPPORTED} names every command (and, as {@code NAME|SUB}, every subcommand of a
 * container command) that the process executes; nothing else is accepted, listed or counted.
 * What each one is — arity (exact if positive, minimum if negative, name included), flags, key
 * positions, ACL categories, key specs, documentation — is data copied from a real
 * redis-server 7.0.15: the resources {@code redis-command-info.resp} and
 * {@code redis-command-docs.resp} hold, as RESP3 bytes, its replies to {@code COMMAND INFO} and
 * {@code COMMAND DOCS} for those names and for the ones other parts of the process serve
 * (sessions, transactions, blocking pops). {@code CommandDataTest} checks them against the live
 * server and regenerates them. The entries of container commands list only the subcommands
 * that are supported.
 *
 * <p>Immutable after class initialisation; any thread.
 */
final class CommandTable {
    /**
     * What is served. Add a name here only with its implementation; its description must be
     * in the resources (regenerate them with {@code CommandDataTest} when a name is new).
     */
    static final List<String> SUPPORTED = List.of(
            // strings
            "GET", "SET", "SETNX", "SETEX", "PSETEX", "GETSET", "GETDEL", "GETEX", "MGET", "MSET", "MSETNX",
            "APPEND", "STRLEN", "GETRANGE", "SUBSTR", "SETRANGE", "INCR", "DECR", "INCRBY", "DECRBY", "INCRBYFLOAT",
            // keys
            "DEL", "UNLINK", "EXISTS", "TYPE", "KEYS", "SCAN", "RENAME", "RENAMENX", "EXPIRE", "PEXPIRE",
            "EXPIREAT", "PEXPIREAT", "PERSIST", "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME", "TOUCH",
            // hashes
            "HSET", "HSETNX", "HMSET", "HGET", "HMGET", "HGETALL", "HKEYS", "HVALS", "HDEL", "HINCRBY",
            "HINCRBYFLOAT", "HEXISTS", "HLEN", "HSTRLEN", "HRANDFIELD", "HSCAN",
            // lists
            "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LLEN", "LINDEX", "LSET", "LRANGE", "LTRIM",
            "LREM", "LINSERT", "LPOS", "LMOVE", "RPOPLPUSH", "BLPOP", "BRPOP",
            // sets
            "SADD", "SREM", "SMEMBERS", "SISMEMBER", "SMISMEMBER", "SCARD", "SPOP", "SRANDMEMBER", "SINTER",
            "SUNION", "SDIFF", "SINTERCARD", "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE", "SMOVE", "SSCAN",
            // sorted sets
            "ZADD", "ZINCRBY", "ZREM", "ZSCORE", "ZMSCORE", "ZRANK", "ZREVRANK", "ZCARD", "ZCOUNT", "ZLEXCOUNT",
            "ZPOPMIN", "ZPOPMAX", "ZRANGE", "ZREVRANGE", "ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZRANGEBYLEX",
            "ZREVRANGEBYLEX", "ZRANGESTORE", "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE", "ZREMRANGEBYLEX",
            "ZRANDMEMBER", "ZSCAN",
            // server
            "PING", "ECHO", "DBSIZE", "FLUSHALL", "FLUSHDB", "INFO", "SELECT", "QUIT", "TIME",
            "COMMAND", "COMMAND|COUNT", "COMMAND|DOCS", "COMMAND|INFO", "COMMAND|LIST", "COMMAND|HELP",
            "CONFIG", "CONFIG|GET", "CONFIG|RESETSTAT", "CONFIG|HELP",
            "CLIENT", "CLIENT|GETNAME", "CLIENT|ID", "CLIENT|INFO", "CLIENT|LIST", "CLIENT|NO-EVICT",
            "CLIENT|REPLY", "CLIENT|SETNAME", "CLIENT|KILL", "CLIENT|UNBLOCK", "CLIENT|GETREDIR",
            "CLIENT|TRACKINGINFO", "CLIENT|CACHING", "CLIENT|TRACKING", "CLIENT|PAUSE", "CLIENT|UNPAUSE",
            "CLIENT|HELP",
            // connection and transactions (CommandDispatcher; CLIENT SETINFO, from Redis 7.2, is checked by ClientCommands)
            "HELLO", "AUTH", "RESET", "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH");

    /** Commands that change the connection's state: never "read-only" whatever their flags say. */
    private static final Set<String> CONNECTION_STATE = Set.of("CLIENT", "HELLO", "AUTH", "SELECT", "RESET", "QUIT",
            "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH");

    /**
     * One command or subcommand. {@code name} is upper case ({@code CONFIG|GET} for a
     * subcommand), {@code fullName} as Redis names it in errors ({@code config|get});
     * {@code info} and {@code docs} are the COMMAND INFO / COMMAND DOCS entries in RESP3 kinds.
     */
    record Spec(String name, String fullName, int arity, Set<String> flags, int firstKey, int lastKey, int step,
                Set<String> aclCategories, Reply info, Reply docs, Map<String, Spec> subcommands) {
        /** Whether the command only reads, so that a client may retry it blindly. */
        boolean readOnly() {
            return !flags.contains("write") && !CONNECTION_STATE.contains(name.split("\\|")[0]);
        }

        boolean arityOk(int size) {
            return arity >= 0 ? size == arity : size >= -arity;
        }

        boolean isContainer() {
            return !subcommands.isEmpty();
        }
    }

    /** The supported top-level commands by upper-case name, in {@link #SUPPORTED} order. */
    static final Map<String, Spec> SPECS = load();

    private CommandTable() {
    }

    /** The spec of a supported top-level command, or null. */
    static Spec spec(String upperCaseName) {
        return SPECS.get(upperCaseName);
    }

    /**
     * The spec {@code c} runs under: its subcommand's for a container command with a
     * subcommand argument, else its own; null when not supported (see {@link #check}).
     */
    static Spec resolve(Command c) {
        Spec s = SPECS.get(c.name());
        if (s == null || !s.isContainer() || c.size() == 1) {
            return s;
        }
        return s.subcommands().get(c.text(1).toUpperCase(Locale.ROOT));
    }

    /**
     * Redis 7.0's checks before a command runs ({@code processCommand}: existence, then arity),
     * with its wording: null when {@code c} may run, else the error reply.
     */
    static Reply check(Command c) {
        Spec s = resolve(c);
        if (s == null) {
            return SPECS.containsKey(c.name()) ? unknownSubcommand(c) : unknownCommand(c);
        }
        return s.arityOk(c.size()) ? null : Reply.wrongArity(s.fullName());
    }

    /** Redis 7: "ERR unknown command 'foo', with args beginning with: 'a' 'b' ". */
    static Reply unknownCommand(Command c) {
        StringBuilder args = new StringBuilder();
        int argBytes = 0;
        for (int i = 1; i < c.size() && argBytes < 128; i++) {
            String a = KvError.echo(c.arg(i), 128 - argBytes);
            args.append('\'').append(a).append("' ");
            argBytes += a.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 3;
        }
        return Reply.error("ERR unknown command '" + KvError.echo(c.arg(0), 128) + "', with args beginning with: " + args);
    }

    /** Redis 7: "ERR unknown subcommand 'x'. Try CONFIG HELP." */
    static Reply unknownSubcommand(Command c) {
        return Reply.error("ERR unknown subcommand '" + KvError.echo(c.arg(1), 128) + "'. Try "
                + c.name() + " HELP.");
    }

    private static Map<String, Spec> load() {
        Map<String, Reply> infos = new LinkedHashMap<>();
        for (Reply entry : ((Reply.Array) read("redis-command-info.resp")).items()) {
            Reply.Array e = (Reply.Array) entry;
            infos.put(text(e.items().get(0)).toUpperCase(Locale.ROOT), e);
        }
        Map<String, Reply> docs = pairs((Reply.Map) read("redis-command-docs.resp"));
        Set<String> supported = new LinkedHashSet<>(SUPPORTED);
        Map<String, Spec> specs = new LinkedHashMap<>();
        for (String name : SUPPORTED) {
            if (name.contains("|")) {
                continue;
            }
            Reply info = infos.get(name);
            if (info == null) {
                throw new IllegalStateException("no COMMAND INFO entry for supported command " + name);
            }
            specs.put(name, spec(name, (Reply.Array) info, docs.get(name), supported));
        }
        return Collections.unmodifiableMap(specs);
    }

    private static Spec spec(String name, Reply.Array info, Reply docs, Set<String> supported) {
        List<Reply> f = info.items();
        Map<String, Spec> subs = new LinkedHashMap<>();
        List<Reply> subInfos = new ArrayList<>();
        Map<String, Reply> subDocs = docs == null ? Map.of() : subcommandDocs((Reply.Map) docs);
        boolean container = f.get(9) instanceof Reply.Array;
        for (Reply sub : container ? ((Reply.Array) f.get(9)).items() : List.<Reply>of()) {
            Reply.Array s = (Reply.Array) sub;
            String subName = text(s.items().get(0)).toUpperCase(Locale.ROOT);
            if (supported.contains(subName)) {
                String key = subName.substring(subName.indexOf('|') + 1);
                subs.put(key, spec(subName, s, subDocs.get(subName), supported));
                subInfos.add(s);
            }
        }
        List<Reply> items = new ArrayList<>(f);
        // Redis answers an empty set for a command without subcommands, an array for a container.
        items.set(9, container ? new Reply.Array(subInfos) : f.get(9));
        Reply filteredDocs = docs == null ? null : withSubcommandDocs((Reply.Map) docs, subs);
        return new Spec(name, name.toLowerCase(Locale.ROOT), (int) ((Reply.Int) f.get(1)).value(), names(f.get(2)),
                (int) ((Reply.Int) f.get(3)).value(), (int) ((Reply.Int) f.get(4)).value(),
                (int) ((Reply.Int) f.get(5)).value(), names(f.get(6)), new Reply.Array(List.copyOf(items)),
                filteredDocs, Collections.unmodifiableMap(subs));
    }

    private static Map<String, Reply> subcommandDocs(Reply.Map docs) {
        Reply subs = pairs(docs).get("SUBCOMMANDS");
        return subs == null ? Map.of() : pairs((Reply.Map) subs);
    }

    /** A docs map whose "subcommands" entry lists only the supported subcommands. */
    private static Reply withSubcommandDocs(Reply.Map docs, Map<String, Spec> subs) {
        List<Reply> kv = new ArrayList<>(docs.keysAndValues());
        for (int i = 0; i < kv.size(); i += 2) {
            if (text(kv.get(i)).equals("subcommands")) {
                List<Reply> kept = new ArrayList<>();
                for (Spec s : subs.values()) {
                    if (s.docs() != null) {
                        kept.add(Reply.bulk(s.fullName()));
                        kept.add(s.docs());
                    }
                }
                kv.set(i + 1, new Reply.Map(kept));
            }
        }
        return new Reply.Map(List.copyOf(kv));
    }

    /** A map's entries by upper-cased text key. */
    private static Map<String, Reply> pairs(Reply.Map m) {
        Map<String, Reply> out = new LinkedHashMap<>();
        List<Reply> kv = m.keysAndValues();
        for (int i = 0; i < kv.size(); i += 2) {
            out.put(text(kv.get(i)).toUpperCase(Locale.ROOT), kv.get(i + 1));
        }
        return out;
    }

    private static Set<String> names(Reply set) {
        Set<String> out = new LinkedHashSet<>();
        for (Reply r : ((Reply.Set) set).items()) {
            out.add(text(r));
        }
        return Collections.unmodifiableSet(out);
    }

    private static String text(Reply r) {
        return switch (r) {
            case Reply.Bulk b -> b.text();
            case Reply.Simple s -> s.text();
            default -> throw new IllegalStateException("expected text in command data, got " + r);
        };
    }

    private static Reply read(String resource) {
        try (InputStream in = CommandTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the kv jar");
            }
            byte[] bytes = in.readAllBytes();
            return new RespReplyReader(new ByteArrayInputStream(bytes), RespLimits.DEFAULTS).read();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
