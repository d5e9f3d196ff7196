package dev.caravan.kv;

import dev.caravan.core.memory.PagedHeap;
import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.Locale;

/**
 * A Redis-compatible key-value store (strings, hashes, lists, sets, sorted sets, expiry) as a
 * Caravan process. Its whole data set lives in the process's paged memory through a
 * {@link PagedHeap}, a {@link KvStore} hash table and the layouts of {@link DataTypes}, so
 * migrating the pages migrates the data; Java fields only cache what {@link #onArrive} rebuilds
 * by attaching to the heap (a few header reads; it does not walk the table, so a post-copy
 * arrival faults in only the pages holding the headers). There is no object state (the random generator that SPOP and
 * skip-list levels draw from holds no data: any sequence gives correct results).
 *
 * <p>Commands: see {@link CommandTable}: strings (GET SET with EX PX EXAT PXAT NX XX KEEPTTL GET,
 * SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX APPEND STRLEN GETRANGE SETRANGE INCR
 * DECR INCRBY DECRBY INCRBYFLOAT), keys (DEL UNLINK EXISTS TYPE KEYS SCAN RENAME RENAMENX EXPIRE
 * PEXPIRE EXPIREAT PEXPIREAT PERSIST TTL PTTL), hashes ({@link HashCommands}), lists
 * ({@link ListCommands}), sets ({@link SetCommands}), sorted sets ({@link ZSetCommands}), and
 * PING ECHO DBSIZE FLUSHALL FLUSHDB INFO COMMAND (COUNT DOCS INFO) CONFIG GET, CLIENT (SETNAME
 * SETINFO GETNAME ID), SELECT 0, QUIT.
 * Errors are worded as Redis 7 words them. QUIT replies OK; closing the connection is the
 * endpoint's job: it closes after writing the reply to a command whose {@link Command#name()}
 * is {@code "QUIT"}.
 *
 * <p>Values longer than 1 MiB arrive and leave off the Java heap ({@link StringValues}): a
 * 512 MB string is stored and served with no heap copy; only string values may be that long.
 *
 * <p>Expiry uses the context's clock: lazily when a key is touched, and actively in
 * {@link #onTick}, which scans a bounded number of slots per call.
 *
 * <p>The memory's size is chosen by whoever creates the {@code PagedMemory} (the node, from the
 * deployment setting {@code memory}, parsed with {@link #parseSize}); when it is full, writes
 * fail with "OOM command not allowed when used memory &gt; 'maxmemory'." as Redis says it.
 *
 * <p>Threading: as every {@link CaravanProcess}, called on the process thread only.
 */
public final class KvProcess implements CaravanProcess {
    /** Slots examined per {@link #onTick} by active expiry. */
    static final int EXPIRY_SLOTS_PER_TICK = 4096;

    private ProcessContext context;
    private Clock clock;
    private PagedHeap heap;
    private KvStore store;
    private java.util.random.RandomGenerator random;
    private HashCommands hashes;
    private ListCommands lists;
    private SetCommands sets;
    private ZSetCommands zsets;

    public KvProcess() {
    }

    @Override
    public void onStart(ProcessContext context, boolean restored) {
        if (restored) {
            onArrive(context);
            return;
        }
        this.context = context;
        this.clock = context.clock();
        this.random = new java.util.SplittableRandom(context.id().value() ^ clock.nowMs());
        flush();
    }

    @Override
    public void onArrive(ProcessContext context) {
        this.context = context;
        this.clock = context.clock();
        this.random = new java.util.SplittableRandom(context.id().value() ^ clock.nowMs());
        heap = PagedHeap.attach(context.memory());
        DataTypes types = new DataTypes(heap, random);
        bind(KvStore.attach(heap, types::free), types);
    }

    private void flush() {
        heap = PagedHeap.format(context.memory());
        DataTypes types = new DataTypes(heap, random);
        bind(KvStore.create(heap, types::free), types);
    }

    private void bind(KvStore kv, DataTypes types) {
        store = kv;
        hashes = new HashCommands(kv, types);
        lists = new ListCommands(kv, types);
        sets = new SetCommands(kv, types);
        zsets = new ZSetCommands(kv, types);
    }

    @Override
    public Reply onCommand(Command c) {
        CommandTable.Spec spec = CommandTable.SPECS.get(c.name());
        if (spec == null) {
            return ServerCommands.unknownCommand(c.hasOffHeap() ? StringValues.shownPart(c) : c);
        }
        if (!CommandTable.arityOk(spec, c.size())) {
            return Reply.wrongArity(c.name());
        }
        Reply refused = c.hasOffHeap() ? StringValues.refusal(c) : null;
        if (refused != null) {
            return refused;
        }
        try {
            return execute(c, clock.nowMs());
        } catch (KvError e) {
            return e.reply();
        } catch (CaravanException e) {
            if (e.code() == dev.caravan.wire.ErrorCode.TOO_LARGE) {
                return Reply.error("OOM command not allowed when used memory > 'maxmemory'.");
            }
            throw e;
        }
    }

    private Reply execute(Command c, long now) {
        return switch (c.name()) {
            case "GET" -> StringCommands.get(store, c, now);
            case "SET" -> StringCommands.set(store, c, now);
            case "SETNX" -> StringCommands.setnx(store, c, now);
            case "SETEX", "PSETEX" -> StringCommands.setex(store, c, now);
            case "GETSET" -> StringCommands.getset(store, c, now);
            case "GETDEL" -> StringCommands.getdel(store, c, now);
            case "GETEX" -> StringCommands.getex(store, c, now);
            case "MGET" -> StringCommands.mget(store, c, now);
            case "MSET" -> StringCommands.mset(store, c, false, now);
            case "MSETNX" -> StringCommands.mset(store, c, true, now);
            case "APPEND", "STRLEN", "GETRANGE", "SUBSTR", "SETRANGE" -> StringRangeCommands.execute(store, c, now);
            case "INCR", "DECR", "INCRBY", "DECRBY", "INCRBYFLOAT" -> CounterCommands.execute(store, c, now);
            case "DEL", "UNLINK" -> KeyCommands.del(store, c, now);
            case "EXISTS" -> KeyCommands.exists(store, c, now);
            case "TYPE" -> KeyCommands.type(store, c, now);
            case "KEYS" -> KeyCommands.keys(store, c, now);
            case "SCAN" -> ScanCommand.execute(store, c, now);
            case "RENAME" -> KeyCommands.rename(store, c, false, now);
            case "RENAMENX" -> KeyCommands.rename(store, c, true, now);
            case "EXPIRE" -> KeyCommands.expire(store, c, 1000, now, now);
            case "PEXPIRE" -> KeyCommands.expire(store, c, 1, now, now);
            case "EXPIREAT" -> KeyCommands.expire(store, c, 1000, 0, now);
            case "PEXPIREAT" -> KeyCommands.expire(store, c, 1, 0, now);
            case "PERSIST" -> KeyCommands.persist(store, c, now);
            case "TTL" -> KeyCommands.ttl(store, c, false, now);
            case "PTTL" -> KeyCommands.ttl(store, c, true, now);
            case "PING" -> ServerCommands.ping(c);
            case "ECHO" -> new Reply.Bulk(c.arg(1));
            case "DBSIZE" -> Reply.integer(store.keys());
            case "FLUSHALL", "FLUSHDB" -> flushAll(c);
            case "INFO" -> ServerCommands.info(store, heap, context.name());
            case "COMMAND" -> ServerCommands.command(c);
            case "CONFIG" -> ServerCommands.config(c);
            case "CLIENT" -> ServerCommands.client(c);
            case "SELECT" -> ServerCommands.select(c);
            case "QUIT" -> Reply.OK;
            default -> switch (c.name().charAt(0)) {
                case 'H' -> hashes.execute(c, now);
                case 'L', 'R' -> lists.execute(c, now);
                case 'S' -> sets.execute(c, now);
                case 'Z' -> zsets.execute(c, now);
                default -> ServerCommands.unknownCommand(c);
            };
        };
    }

    private Reply flushAll(Command c) {
        if (c.size() > 2) {
            throw KvError.SYNTAX;
        }
        if (c.size() == 2) {
            String mode = c.text(1).toUpperCase(Locale.ROOT);
            if (!mode.equals("SYNC") && !mode.equals("ASYNC")) {
                throw KvError.SYNTAX;
            }
        }
        flush();
        return Reply.OK;
    }

    @Override
    public void onTick(long nowMs) {
        store.expireSome(nowMs, EXPIRY_SLOTS_PER_TICK);
    }

    @Override
    public boolean isReadOnly(Command c) {
        CommandTable.Spec spec = CommandTable.SPECS.get(c.name());
        return spec != null && spec.readOnly() && !c.name().equals("COMMAND");
    }

    /** Bytes the heap has in allocated blocks (what INFO reports as used_memory). */
    long usedBytes() {
        return heap.usedBytes();
    }

    /** Bytes ever taken from the memory by the heap. */
    long reservedBytes() {
        return heap.reservedBytes();
    }

    /** Number of keys (expired ones not yet collected included). */
    long keyCount() {
        return store.keys();
    }

    /**
     * Parses a memory size as deployments write it: bytes, or a number with a k/m/g/t suffix
     * (binary: {@code 512m} = 512 MiB; an optional trailing {@code b}, any case).
     *
     * @throws CaravanException INVALID_ARGUMENT when it is not a positive size
     */
    public static long parseSize(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        int shift = 0;
        if (!s.isEmpty()) {
            shift = switch (s.charAt(s.length() - 1)) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                case 't' -> 40;
                default -> 0;
            };
        }
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        try {
            long v = Long.parseLong(digits);
            if (v <= 0 || v > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException("out of range");
            }
            return v << shift;
        } catch (NumberFormatException e) {
            throw dev.caravan.wire.ErrorCode.INVALID_ARGUMENT.exception("not a memory size: '" + text + "'");
        }
    }
}
