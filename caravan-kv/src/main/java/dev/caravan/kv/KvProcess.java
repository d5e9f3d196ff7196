package dev.caravan.kv;

import dev.caravan.core.memory.PagedHeap;
import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ClientRef;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.Locale;

/**
 * A Redis-compatible key-value store (strings, hashes, lists, sets, sorted sets, expiry) as a
 * Caravan process. Its whole data set lives in the process's paged memory through a
 * {@link PagedHeap}, a {@link KvStore} hash table and the layouts of {@link DataTypes}, so
 * migrating the pages migrates the data; Java fields only cache what {@link #onArrive} rebuilds
 * by attaching to the heap (a few header reads; it does not walk the table, so a post-copy
 * arrival faults in only the pages holding the headers). The object state holds only the client
 * sessions (below); the random generator that SPOP and skip-list levels draw from holds no data
 * (any sequence gives correct results).
 *
 * <p>Commands: {@link CommandTable#SUPPORTED} names them all, and COMMAND describes them as
 * redis-server 7.0.15 does: strings ({@link StringCommands}, {@link StringRangeCommands},
 * {@link CounterCommands}), keys ({@link KeyCommands}, {@link ScanCommand}), hashes
 * ({@link HashCommands}), lists ({@link ListCommands}; BLPOP BRPOP in {@link BlockingPops}), sets ({@link SetCommands},
 * {@link SetAlgebra}), sorted sets ({@link ZSetCommands}, {@link ZAdd}, {@link ZRange}), the
 * server's ({@link InfoCommand}, {@link ConfigCommand}, {@link CommandCommand}, DBSIZE FLUSHALL
 * FLUSHDB TIME), the connection's ({@link ConnectionCommands}: HELLO AUTH SELECT RESET QUIT ECHO
 * PING; {@link ClientCommands}: CLIENT) and transactions ({@link Transactions}: MULTI EXEC
 * DISCARD WATCH UNWATCH, with {@link KeyWatches}). Errors are worded, and ordered, as Redis 7.0
 * words and orders them. There is one database (SELECT 0; CONFIG GET databases says 1).
 *
 * <p>Every command goes through the {@link CommandDispatcher}, which runs it for its client
 * session as redis-server runs its clients: checks against the command table
 * ({@link CommandTable}: existence, arity, subcommand; then the NOAUTH gate against the
 * password configured under {@link Password#CONFIG_KEY}), queueing inside MULTI, CLIENT REPLY OFF / SKIP,
 * INFO's command and error counters ({@link KvStats}), and the reply's shape: replies are built
 * in RESP3 kinds (maps, sets, doubles, verbatim strings) and shaped for the client's protocol
 * by {@link ProtocolShape}; member/score and field/value pairs, whose shape differs by more
 * than kind, are shaped by the commands themselves from the {@link CurrentClient} the dispatcher
 * sets before each command.
 *
 * <p>Clients: each client connection has its session ({@link ClientSession}, keyed by
 * {@link ClientRef#sessionId()}), created on its first command and dropped by
 * {@link #onClientClosed}. Sessions, their transactions and watches are object state
 * ({@link #writeState}), so they follow the process in every migration mode. A request without
 * a session (node CALL) stands alone, in RESP2, and may not change connection state.
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
    private BlockingPops blocking;
    /** True while {@link #onRetry} runs a parked command again. */
    private boolean retrying;
    private SetCommands sets;
    private ZSetCommands zsets;
    private DataTypes types;
    private Password password;
    private KvStats stats;
    private final CurrentClient client = new CurrentClient();
    private final ClientSessions sessions = new ClientSessions();
    private final KeyWatches watches = new KeyWatches();
    private final CommandDispatcher dispatcher = new CommandDispatcher(sessions, watches, client, new Backend());

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
        this.password = Password.fromConfig(context.config());
        this.random = new java.util.SplittableRandom(context.id().value() ^ clock.nowMs());
        this.stats = new KvStats(clock.nowMs(), random);
        flush();
        context.log().log(System.Logger.Level.INFO, context.name() + " serving " + store.keys() + " keys in "
                + (context.memory().capacityBytes() >> 20) + " MiB of paged memory");
    }

    @Override
    public void onArrive(ProcessContext context) {
        this.context = context;
        this.clock = context.clock();
        this.password = Password.fromConfig(context.config());
        this.random = new java.util.SplittableRandom(context.id().value() ^ clock.nowMs());
        this.stats = new KvStats(clock.nowMs(), random);
        heap = PagedHeap.attach(context.memory());
        DataTypes types = new DataTypes(heap, random);
        bind(KvStore.attach(heap, types::free), types);
        // The node's log shows where a process's keys went: caravan logs NAME reads these lines from every node it ran on.
        context.log().log(System.Logger.Level.INFO, context.name() + " arrived with " + store.keys() + " keys (epoch "
                + context.epoch() + ")");
    }

    private void flush() {
        heap = PagedHeap.format(context.memory());
        DataTypes types = new DataTypes(heap, random);
        bind(KvStore.create(heap, types::free), types);
    }

    private void bind(KvStore kv, DataTypes types) {
        store = kv;
        this.types = types;
        kv.listen(watches);
        hashes = new HashCommands(kv, types, client);
        lists = new ListCommands(kv, types);
        blocking = new BlockingPops(kv, types);
        sets = new SetCommands(kv, types);
        zsets = new ZSetCommands(kv, types, client);
    }

    /** Read-only keys and string values for a shipped function (remote evaluation); never expires a key on read. */
    @Override
    public dev.caravan.core.eval.KeyValueView evalView() {
        return new KvEvalView(store, clock.nowMs());
    }

    /** A command without a client connection (as node CALL sends): {@link ClientRef#NONE}. */
    @Override
    public Reply onCommand(Command c) {
        return onCommand(ClientRef.NONE, c);
    }

    @Override
    public Reply onCommand(ClientRef from, Command c) {
        return dispatcher.onCommand(from, c);
    }

    @Override
    public void onClientClosed(long sessionId) {
        sessions.close(sessionId, watches);
    }

    /** Version 2 added the client sessions; version 1 had no object state. */
    @Override
    public int stateVersion() {
        return 2;
    }

    @Override
    public void writeState(BodyWriter out) {
        sessions.write(out);
    }

    @Override
    public void readState(int version, BodyReader in) {
        switch (version) {
            case 1 -> {
            }
            case 2 -> {
                sessions.read(in, watches);
                in.expectEnd();
            }
            default -> throw ErrorCode.MALFORMED.exception("kv object state version " + version
                    + " is not one this kv reads (1 or 2): is the destination running an older kv?");
        }
    }

    /** A data command the dispatcher checked (and counts in INFO's stats); errors come back as error replies. */
    private Reply runData(Command c) {
        try {
            return execute(c, clock.nowMs());
        } catch (KvError e) {
            return e.reply();
        } catch (CaravanException e) {
            if (e.code() == ErrorCode.TOO_LARGE) {
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
            case "EXISTS", "TOUCH" -> KeyCommands.exists(store, c, now);
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
            case "TTL" -> KeyCommands.ttl(store, c, false, false, now);
            case "PTTL" -> KeyCommands.ttl(store, c, true, false, now);
            case "EXPIRETIME" -> KeyCommands.ttl(store, c, false, true, now);
            case "PEXPIRETIME" -> KeyCommands.ttl(store, c, true, true, now);
            case "DBSIZE" -> Reply.integer(store.keys());
            case "FLUSHALL", "FLUSHDB" -> flushAll(c);
            case "INFO" -> {
                stats.connectedClients = sessions.size();
                yield InfoCommand.execute(c, store, heap, stats, context.name(), now);
            }
            case "COMMAND" -> CommandCommand.execute(c);
            case "CONFIG" -> ConfigCommand.execute(c, heap.memory().capacityBytes(), stats, store);
            case "TIME" -> new Reply.Array(java.util.List.of(Reply.bulk(Long.toString(now / 1000)),
                    Reply.bulk(Long.toString(now % 1000 * 1000))));
            case "BLPOP", "BRPOP" -> retrying ? blocking.retry(c, now) : blocking.pop(c, now);
            default -> switch (c.name().charAt(0)) {
                case 'H' -> hashes.execute(c, now);
                case 'L', 'R' -> lists.execute(c, now);
                case 'S' -> sets.execute(c, now);
                case 'Z' -> zsets.execute(c, now);
                default -> CommandTable.unknownCommand(c);
            };
        };
    }

    /**
     * A parked command asked again: it goes through the client's session like any command (its
     * reply mode and protocol apply), but a BLPOP or BRPOP runs as {@link BlockingPops#retry}
     * (served only from a list; keeps waiting otherwise), as redis-server serves woken clients.
     */
    @Override
    public Reply onRetry(ClientRef from, Command c) {
        retrying = true;
        try {
            return dispatcher.onCommand(from, c);
        } finally {
            retrying = false;
        }
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
        watches.onFlush(store);
        flush();
        return Reply.OK;
    }

    @Override
    public void onTick(long nowMs) {
        store.expireSome(nowMs, EXPIRY_SLOTS_PER_TICK);
        stats.peakUsedBytes = Math.max(stats.peakUsedBytes, heap.usedBytes());
    }

    @Override
    public boolean isReadOnly(Command c) {
        CommandTable.Spec spec = CommandTable.resolve(c);
        return spec != null && spec.readOnly();
    }

    /** What the {@link CommandDispatcher} needs of this process. */
    private final class Backend implements CommandDispatcher.Backend {
        @Override
        public long nowMs() {
            return clock.nowMs();
        }

        @Override
        public KvStore store() {
            return store;
        }

        @Override
        public Reply runData(Command c) {
            return KvProcess.this.runData(c);
        }

        @Override
        public long collectionMutations() {
            return types.mutations();
        }

        @Override
        public void disconnectClient(long sessionId) {
            context.disconnectClient(sessionId);
        }

        @Override
        public Password password() {
            return password;
        }

        @Override
        public KvStats stats() {
            return stats;
        }
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
            throw ErrorCode.INVALID_ARGUMENT.exception("not a memory size: '" + text + "'");
        }
    }
}
