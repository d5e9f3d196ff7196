package dev.caravan.naming.zk;

import dev.caravan.naming.Lease;
import dev.caravan.naming.LeaseInfo;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.NamingSpec;
import dev.caravan.naming.Watch;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.security.TransportSecurity;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryUntilElapsed;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Stat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link NamingService} kept in an Apache ZooKeeper ensemble ({@code --naming zk://h:p,h:p/chroot}).
 *
 * <p><b>Layout</b> under the spec's chroot (default {@code /caravan}), data formats in {@link ZnodeData}:
 * <pre>
 *   /entries/&lt;name, percent-encoded into one znode name ({@link ZnodeNames})&gt;   EPHEMERAL, owned by the lease's session
 *   /leases/&lt;leaseId&gt;                                                        EPHEMERAL: holder, ttlMs, opened-at
 *   /fences/&lt;name, encoded the same way&gt;                                    PERSISTENT, empty: every write to the entry passes it
 * </pre>
 *
 * <p><b>A lease is a ZooKeeper session.</b> {@link #openLease} opens a plain ZooKeeper handle of
 * its own whose session timeout is the TTL; the lease id is the session id (ZooKeeper never
 * reissues one) and {@code /leases/<id>} its ephemeral marker. The server clamps the timeout to
 * its {@code minSessionTimeout..maxSessionTimeout} (by default 2 to 20 tick times): the
 * returned {@link Lease#ttlMs()} is the timeout it granted, and a TTL outside
 * {@value LocalNamingService#MIN_TTL_MS}..{@value LocalNamingService#MAX_TTL_MS} ms, asked or
 * granted, is refused with INVALID_ARGUMENT. ZooKeeper's client keeps the session alive with
 * its own pings and moves it to another server when its server fails; {@link #renew} is one
 * round trip on the session ({@code exists} of its marker), and a watchdog of this service
 * closes a lease whose holder has not called {@code renew} for its TTL, so silence ends a
 * lease here as it does in {@link LocalNamingService}; so does a disconnection longer than the
 * timeout, after which the ensemble may have expired the session unheard (Curator's rule). An expired session is never replaced:
 * a new session is a new lease, which the holder opens and registers again. {@link #closeLease}
 * closes the session, and ZooKeeper deletes its entries with it. Leases are held by the
 * service that opened them: another process's lease id is unknown here (LEASE_EXPIRED).
 *
 * <p><b>An entry is an ephemeral znode</b> of its lease's session, holding the entry (epoch and
 * lease id inside). {@link #register} is a fenced conditional write on the lease's session:
 * sync, read the name's fence version, read the entry's data and stat, apply the contract
 * (STALE_EPOCH for a lower epoch; ALREADY_EXISTS at the same epoch while another live lease owns
 * the znode), then one {@code multi}: {@code setData(fence, fenceVersion)} and either
 * {@code create}, or {@code setData(entry, version)} when this session owns it, or
 * {@code delete(entry, version), create} to move it to this lease. The fence is what makes the
 * write conditional: an entry's own version starts again at 0 when it is deleted and created
 * anew (a move), so a writer that read version 0 of the old znode could overwrite the new one
 * (a stale epoch winning, seen in the race test); the fence is never deleted, so its version
 * only grows. (It costs one empty persistent znode per name ever registered.) A lost race
 * (BadVersion, NodeExists, NoNode) reads again and decides again, at most {@value #MAX_RACES}
 * times. A connection loss or request timeout in the middle is retried the same way until the
 * call's timeout. {@link #unregister} is the same read then {@code multi(setData(fence), delete(entry, version))}.
 *
 * <p><b>Reads</b> ({@link #lookup}, {@link #list}, {@link #leases}) go through one shared Curator
 * client after a {@code sync}, so they see every write acknowledged before they began, whichever
 * server took it. Watches: see {@link EntryEvents}.
 *
 * <p><b>Errors</b> map as {@link ZkErrors} says; no call waits longer than about the timeout
 * given at construction. {@link #close} closes every lease session (their entries vanish) and
 * the shared client; later calls fail with UNAVAILABLE.
 *
 * <p><b>Threading.</b> Thread-safe. Threads owned: Curator's and ZooKeeper's client threads (one
 * pair per lease), {@code zk-naming-events} and {@code zk-naming-lease-watchdog}.
 */
public final class ZkNamingService implements NamingService {
    static final String ENTRIES = "/entries";
    static final String LEASES = "/leases";
    static final String FENCES = "/fences";
    private static final byte[] NO_DATA = new byte[0];
    static final int MAX_RACES = 16;
    /** Asked for the shared client's session; the server clamps it to its own bounds. */
    private static final int SHARED_SESSION_TIMEOUT_MS = 30_000;
    private static final long WATCHDOG_PERIOD_MS = 50;
    private static final System.Logger LOG = System.getLogger(ZkNamingService.class.getName());

    private final String connectString;
    private final String chroot;
    private final long timeoutMs;
    /** ZooKeeper client TLS properties, empty for plaintext. */
    private final Map<String, String> tls;
    private final CuratorFramework client;
    private final EntryEvents events;
    private final Map<Long, LeaseSession> leases = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog;
    private volatile boolean closed;

    /** Connects to the ensemble {@code spec} names; see the constructor. */
    public static ZkNamingService connect(NamingSpec spec, Duration timeout) {
        return connect(spec, timeout, TransportSecurity.plaintext());
    }

    /** Connects to the ensemble {@code spec} names over {@code security} (ZooKeeper's own TLS, {@link ZkTlsSettings}). */
    public static ZkNamingService connect(NamingSpec spec, Duration timeout, TransportSecurity security) {
        if (!spec.isZooKeeper()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("naming " + spec + " is not a zk:// address");
        }
        return new ZkNamingService(spec.connectString(), spec.chroot(), timeout, security);
    }

    /**
     * Connects (eagerly) and creates {@code chroot/entries} and {@code chroot/leases} if absent.
     *
     * @param connectString ZooKeeper's {@code host:port,host:port}, without chroot
     * @param chroot        the path everything lives under, for example {@code /caravan}
     * @param timeout       bound of the connection and of each call
     * @throws CaravanException UNAVAILABLE when no server answers within {@code timeout}
     */
    public ZkNamingService(String connectString, String chroot, Duration timeout) {
        this(connectString, chroot, timeout, TransportSecurity.plaintext());
    }

    /**
     * As above, over {@code security}: plaintext is ZooKeeper's default client; mutual TLS sets
     * ZooKeeper's client TLS properties ({@link ZkTlsSettings#client}) on the shared client and
     * on every lease's session, so the ensemble must serve a secure client port.
     */
    public ZkNamingService(String connectString, String chroot, Duration timeout, TransportSecurity security) {
        this.tls = ZkTlsSettings.client(security);
        this.connectString = Objects.requireNonNull(connectString, "connectString");
        this.chroot = Objects.requireNonNull(chroot, "chroot");
        if (!chroot.startsWith("/") || chroot.length() < 2 || chroot.endsWith("/")) {
            throw ErrorCode.INVALID_ARGUMENT.exception("ZooKeeper chroot '" + chroot + "' must look like /caravan");
        }
        this.timeoutMs = timeout.toMillis();
        if (timeoutMs < 1 || timeoutMs > Integer.MAX_VALUE) {
            throw ErrorCode.INVALID_ARGUMENT.exception("naming timeout must be 1 ms..24 days, got " + timeout);
        }
        int thirdMs = (int) Math.max(1, timeoutMs / 3);
        // Curator starts attempts for a third of the timeout, each waiting up to a third for a
        // connection and a third for the answer: the timeout in all.
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, Integer.toString(thirdMs));
        tls.forEach(config::setProperty);
        this.client = CuratorFrameworkFactory.builder().connectString(connectString).namespace(chroot.substring(1))
                .sessionTimeoutMs(SHARED_SESSION_TIMEOUT_MS).connectionTimeoutMs(thirdMs).zkClientConfig(config)
                .retryPolicy(new RetryUntilElapsed(thirdMs, 50)).ensembleTracker(false).build();
        try {
            client.start();
            if (!client.blockUntilConnected((int) timeoutMs, TimeUnit.MILLISECONDS)) {
                throw ErrorCode.UNAVAILABLE.exception("naming zk://" + connectString + chroot + ": no ZooKeeper server answered within "
                        + timeoutMs + " ms; check --naming and that the ensemble runs"
                        + (tls.isEmpty() ? " (an ensemble serving only TLS needs CARAVAN_TLS=DIR or --tls DIR)"
                        : " with a TLS client port and a certificate from this identity's CA (or unset CARAVAN_TLS for a plaintext one)"));
            }
            for (String path : List.of(ENTRIES, LEASES, FENCES)) {
                try {
                    client.create().creatingParentsIfNeeded().forPath(path);
                } catch (KeeperException.NodeExistsException e) {
                    // Made by an earlier client.
                }
            }
        } catch (Exception e) {
            client.close();
            throw e instanceof InterruptedException ? ZkErrors.interrupted("connecting to ZooKeeper")
                    : ZkErrors.of(e, "connecting to ZooKeeper at " + connectString);
        }
        this.events = new EntryEvents(client);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("zk-naming-lease-watchdog").daemon(true).factory());
        watchdog.scheduleAtFixedRate(this::onWatchdogTick, WATCHDOG_PERIOD_MS, WATCHDOG_PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Where this service keeps its table, in the form {@link NamingSpec#parse} reads. */
    @Override
    public String toString() {
        return "zk://" + connectString + chroot;
    }

    @Override
    public Lease openLease(String holder, long ttlMs) {
        Objects.requireNonNull(holder, "holder");
        if (holder.getBytes(StandardCharsets.UTF_8).length > NamingEntry.MAX_FIELD_BYTES) {
            throw ErrorCode.INVALID_ARGUMENT.exception("holder longer than " + NamingEntry.MAX_FIELD_BYTES + " bytes");
        }
        checkTtl("ttlMs " + ttlMs, ttlMs);
        ensureOpen();
        String what = "opening a lease for " + holder;
        LeaseSession s;
        try {
            s = new LeaseSession(connectString + chroot, (int) ttlMs, requestTimeoutMs(), holder, tls);
        } catch (IOException | IllegalArgumentException e) {
            throw ErrorCode.UNAVAILABLE.exception("naming: cannot start a ZooKeeper session for " + holder + ": " + e.getMessage());
        }
        try {
            s.awaitConnected(deadline(), what);
            long grantedMs = s.negotiatedTimeoutMs();
            checkTtl("ZooKeeper granted a session timeout of " + grantedMs + " ms for the asked " + ttlMs + " ms; it is", grantedMs);
            s.zk().create(LEASES + "/" + s.id(), ZnodeData.lease(new ZnodeData.LeaseData(holder, grantedMs, s.openedAtMs())),
                    ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            leases.put(s.id(), s);
            if (closed) {
                dropLease(s);
                ensureOpen();
            }
            return new Lease(s.id(), grantedMs);
        } catch (KeeperException e) {
            s.close((int) timeoutMs);
            throw ZkErrors.of(e, what, false);
        } catch (InterruptedException e) {
            s.close((int) timeoutMs);
            throw ZkErrors.interrupted(what);
        } catch (RuntimeException e) {
            s.close((int) timeoutMs);
            throw e;
        }
    }

    private static void checkTtl(String what, long ttlMs) {
        if (ttlMs < LocalNamingService.MIN_TTL_MS || ttlMs > LocalNamingService.MAX_TTL_MS) {
            throw ErrorCode.INVALID_ARGUMENT.exception(what + " outside " + LocalNamingService.MIN_TTL_MS + ".."
                    + LocalNamingService.MAX_TTL_MS + " ms");
        }
    }

    /** One round trip on the lease's session; UNAVAILABLE at once when it is not connected now. */
    @Override
    public void renew(long leaseId) {
        String what = "renewing lease " + leaseId;
        LeaseSession s = liveLease(leaseId, what);
        s.onRenew();
        try {
            s.awaitConnected(System.nanoTime(), what);
            if (s.zk().exists(LEASES + "/" + leaseId, false) == null) {
                dropLease(s);
                throw ErrorCode.LEASE_EXPIRED.exception("naming: lease " + leaseId + " of " + s.holder()
                        + " lost its znode " + chroot + LEASES + "/" + leaseId + "; open a new lease");
            }
        } catch (KeeperException e) {
            throw leaseFailure(s, e, what);
        } catch (InterruptedException e) {
            throw ZkErrors.interrupted(what);
        } catch (CaravanException e) {
            throw ended(s, e);
        }
    }

    @Override
    public void closeLease(long leaseId) {
        ensureOpen();
        LeaseSession s = leases.get(leaseId);
        if (s != null) {
            dropLease(s);
        }
    }

    @Override
    public void register(long leaseId, NamingEntry entry) {
        Objects.requireNonNull(entry, "entry");
        String what = "registering " + entry.name();
        LeaseSession s = liveLease(leaseId, what);
        String znode = ZnodeNames.encode(entry.name());
        String path = ENTRIES + "/" + znode;
        String fence = FENCES + "/" + znode;
        byte[] data = ZnodeData.entry(entry.withLeaseId(leaseId));
        long deadline = deadline();
        for (int race = 0; race < MAX_RACES; ) {
            try {
                s.awaitConnected(deadline, what);
                int fenceVersion = readFence(s, fence);
                Stat stat = new Stat();
                byte[] oldData;
                try {
                    oldData = s.zk().getData(path, false, stat);
                } catch (KeeperException.NoNodeException e) {
                    s.zk().multi(List.of(passFence(fence, fenceVersion),
                            Op.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL)));
                    return;
                }
                NamingEntry old = ZnodeData.entry(oldData);
                if (old.epoch() > entry.epoch()) {
                    throw ErrorCode.STALE_EPOCH.exception(entry.name() + " is at epoch " + old.epoch()
                            + ", refusing epoch " + entry.epoch());
                }
                long owner = stat.getEphemeralOwner();
                if (owner == leaseId) {
                    s.zk().multi(List.of(passFence(fence, fenceVersion), Op.setData(path, data, stat.getVersion())));
                    return;
                }
                if (old.epoch() == entry.epoch()) {
                    ZnodeData.LeaseData holder = liveHolder(s, owner);
                    if (holder != null) {
                        // A new owner needs a strictly higher epoch: of two that race at the same epoch, exactly one wins.
                        throw ErrorCode.ALREADY_EXISTS.exception(entry.name() + " is held by " + holder.holder() + " ("
                                + old.host() + ":" + old.port() + ") under another live lease at the same epoch " + old.epoch());
                    }
                }
                s.zk().multi(List.of(passFence(fence, fenceVersion), Op.delete(path, stat.getVersion()),
                        Op.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL)));
                return;
            } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException
                     | KeeperException.NoNodeException e) {
                race++;
            } catch (KeeperException e) {
                retryOrThrow(s, e, deadline, what);
            } catch (InterruptedException e) {
                throw ZkErrors.interrupted(what);
            } catch (CaravanException e) {
                throw ended(s, e);
            }
        }
        throw ErrorCode.BUSY.exception("naming: " + what + " lost " + MAX_RACES + " races in a row to other writers; retry");
    }

    @Override
    public void unregister(long leaseId, String name, long epoch) {
        Objects.requireNonNull(name, "name");
        String what = "unregistering " + name;
        LeaseSession s = liveLease(leaseId, what);
        String znode = ZnodeNames.encode(name);
        String path = ENTRIES + "/" + znode;
        String fence = FENCES + "/" + znode;
        long deadline = deadline();
        boolean maybeDone = false;
        for (int race = 0; race < MAX_RACES; ) {
            try {
                s.awaitConnected(deadline, what);
                int fenceVersion = readFence(s, fence);
                Stat stat = new Stat();
                NamingEntry old;
                try {
                    old = ZnodeData.entry(s.zk().getData(path, false, stat));
                } catch (KeeperException.NoNodeException e) {
                    if (maybeDone) {
                        return;
                    }
                    throw ErrorCode.NOT_FOUND.exception("no naming entry " + name);
                }
                if (old.epoch() > epoch) {
                    throw ErrorCode.STALE_EPOCH.exception(name + " is at epoch " + old.epoch()
                            + ", refusing to remove it at epoch " + epoch);
                }
                s.zk().multi(List.of(passFence(fence, fenceVersion), Op.delete(path, stat.getVersion())));
                return;
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
                race++;
            } catch (KeeperException e) {
                retryOrThrow(s, e, deadline, what);
                maybeDone = true;
            } catch (InterruptedException e) {
                throw ZkErrors.interrupted(what);
            } catch (CaravanException e) {
                throw ended(s, e);
            }
        }
        throw ErrorCode.BUSY.exception("naming: " + what + " lost " + MAX_RACES + " races in a row to other writers; retry");
    }

    @Override
    public Optional<NamingEntry> lookup(String name) {
        Objects.requireNonNull(name, "name");
        ensureOpen();
        try {
            client.sync().forPath(ENTRIES);
            return Optional.of(ZnodeData.entry(client.getData().forPath(ENTRIES + "/" + ZnodeNames.encode(name))));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw ZkErrors.of(e, "looking up " + name);
        }
    }

    /** The entry name a znode under /entries stands for, or null (logged) for one Caravan cannot have written. */
    private static String decodedOrNull(String znode) {
        try {
            return ZnodeNames.decode(znode);
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.WARNING, "naming: skipping " + ENTRIES + "/" + znode + ": " + e.getMessage());
            return null;
        }
    }

    @Override
    public List<NamingEntry> list(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        ensureOpen();
        try {
            client.sync().forPath(ENTRIES);
            TreeMap<String, String> byName = new TreeMap<>();
            for (String znode : client.getChildren().forPath(ENTRIES)) {
                String name = decodedOrNull(znode);
                if (name != null && name.startsWith(prefix)) {
                    byName.put(name, znode);
                }
            }
            List<NamingEntry> out = new ArrayList<>(byName.size());
            for (String znode : byName.values()) {
                try {
                    out.add(ZnodeData.entry(client.getData().forPath(ENTRIES + "/" + znode)));
                } catch (KeeperException.NoNodeException e) {
                    // Removed since the listing.
                } catch (CaravanException e) {
                    // Not written by Caravan (or by a newer format): one bad znode must not hide every other entry.
                    LOG.log(System.Logger.Level.WARNING, "naming: skipping " + ENTRIES + "/" + znode + ": " + e.getMessage());
                }
            }
            return out;
        } catch (Exception e) {
            throw ZkErrors.of(e, "listing '" + prefix + "'");
        }
    }

    @Override
    public Watch watch(String prefix, Consumer<NamingEvent> listener) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(listener, "listener");
        ensureOpen();
        return events.add(prefix, listener, timeoutMs);
    }

    /**
     * Every lease in the ensemble (any client's), by id, read from {@code /leases} and the owners
     * of the entries. {@code renewedAtMs} is the last {@link #renew} for a lease this service
     * holds; for another client's lease it is now, since ZooKeeper keeps a session alive with
     * pings and publishes no renewal time.
     */
    public List<LeaseInfo> leases() {
        ensureOpen();
        try {
            client.sync().forPath(LEASES);
            Map<Long, List<String>> names = new HashMap<>();
            for (String znode : client.getChildren().forPath(ENTRIES)) {
                Stat stat = client.checkExists().forPath(ENTRIES + "/" + znode);
                String name = decodedOrNull(znode);
                if (stat != null && name != null) {
                    names.computeIfAbsent(stat.getEphemeralOwner(), k -> new ArrayList<>()).add(name);
                }
            }
            long nowMs = System.currentTimeMillis();
            List<LeaseInfo> out = new ArrayList<>();
            for (String znode : client.getChildren().forPath(LEASES)) {
                long id;
                ZnodeData.LeaseData l;
                try {
                    id = Long.parseLong(znode);
                    l = ZnodeData.lease(client.getData().forPath(LEASES + "/" + znode));
                } catch (KeeperException.NoNodeException | NumberFormatException | CaravanException e) {
                    continue;
                }
                LeaseSession mine = leases.get(id);
                long renewedAtMs = mine != null ? mine.renewedAtMs() : nowMs;
                List<String> held = new ArrayList<>(names.getOrDefault(id, List.of()));
                held.sort(Comparator.naturalOrder());
                out.add(new LeaseInfo(id, l.holder(), l.ttlMs(), renewedAtMs, renewedAtMs + l.ttlMs(), held));
            }
            out.sort(Comparator.comparingLong(LeaseInfo::id));
            return out;
        } catch (Exception e) {
            throw ZkErrors.of(e, "listing leases");
        }
    }

    /** The shared Curator client (for tests and diagnostics); owned by this service. */
    CuratorFramework client() {
        return client;
    }

    /** The lease's own ZooKeeper handle, or null when this service does not hold it (tests inject faults through it). */
    org.apache.zookeeper.ZooKeeper leaseHandle(long leaseId) {
        LeaseSession s = leases.get(leaseId);
        return s == null ? null : s.zk();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watchdog.shutdownNow();
        events.close();
        List<Thread> closing = new ArrayList<>();
        for (LeaseSession s : leases.values()) {
            closing.add(Thread.ofVirtual().name("zk-naming-close").start(() -> s.close((int) timeoutMs)));
        }
        leases.clear();
        for (Thread t : closing) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        client.close();
    }

    private void onWatchdogTick() {
        long now = System.nanoTime();
        for (LeaseSession s : leases.values()) {
            try {
                if (s.ended()) {
                    leases.remove(s.id(), s);
                } else if (now - s.renewedAtNanos() > TimeUnit.MILLISECONDS.toNanos(s.negotiatedTimeoutMs())) {
                    endInBackground(s, "was not renewed for " + s.negotiatedTimeoutMs() + " ms; closing its ZooKeeper session and its entries");
                } else if (s.disconnectedPastTimeout(now)) {
                    endInBackground(s, "has had no ZooKeeper server for more than its " + s.negotiatedTimeoutMs()
                            + " ms timeout; the ensemble may have expired it, so it ends here too");
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "lease watchdog failed on lease " + s.id(), e);
            }
        }
    }

    private void endInBackground(LeaseSession s, String why) {
        LOG.log(System.Logger.Level.INFO, "lease " + s.id() + " of " + s.holder() + " " + why);
        leases.remove(s.id(), s);
        Thread.ofVirtual().name("zk-naming-close").start(() -> s.close((int) timeoutMs));
    }

    /**
     * When a lease call stops starting new attempts: half the timeout from now, so that an
     * attempt begun just before it, bounded by {@link #requestTimeoutMs}, ends within the timeout.
     */
    private long deadline() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs());
    }

    /** Bound of one request on a lease's session (zookeeper.request.timeout). */
    private long requestTimeoutMs() {
        return Math.max(1, timeoutMs / 2);
    }

    private void ensureOpen() {
        if (closed) {
            throw ErrorCode.UNAVAILABLE.exception("naming service is closed");
        }
    }

    private LeaseSession liveLease(long leaseId, String what) {
        ensureOpen();
        LeaseSession s = leases.get(leaseId);
        if (s == null || s.ended()) {
            if (s != null) {
                dropLease(s);
            }
            throw ErrorCode.LEASE_EXPIRED.exception("naming: lease " + leaseId + " has expired or never existed"
                    + " (its ZooKeeper session is gone) while " + what + "; open a new lease");
        }
        return s;
    }

    private void dropLease(LeaseSession s) {
        leases.remove(s.id(), s);
        s.close((int) timeoutMs);
    }

    /**
     * The version of the name's fence, created if absent, after a sync pipelined on the lease's
     * session (so this read, and the entry's read after it, see every write the leader committed
     * before the call).
     */
    private static int readFence(LeaseSession s, String fence) throws KeeperException, InterruptedException {
        s.zk().sync(ENTRIES, (rc, p, ctx) -> { }, null);
        Stat stat = s.zk().exists(fence, false);
        if (stat == null) {
            try {
                s.zk().create(fence, NO_DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException e) {
                // Another writer made it first.
            }
            stat = s.zk().exists(fence, false);
            if (stat == null) {
                throw KeeperException.create(KeeperException.Code.NONODE, fence);
            }
        }
        return stat.getVersion();
    }

    /** The first op of every write to an entry: fails (BadVersion) if any write passed the fence since it was read. */
    private static Op passFence(String fence, int version) {
        return Op.setData(fence, NO_DATA, version);
    }

    /** The holder of {@code owner}'s lease if that session is live ({@code /leases/<owner>} exists), else null. */
    private static ZnodeData.LeaseData liveHolder(LeaseSession s, long owner) throws KeeperException, InterruptedException {
        if (owner == 0) {
            return null;
        }
        try {
            return ZnodeData.lease(s.zk().getData(LEASES + "/" + owner, false, null));
        } catch (KeeperException.NoNodeException e) {
            return null;
        } catch (CaravanException e) {
            return new ZnodeData.LeaseData("lease " + owner, 0, 0);
        }
    }

    /** Waits out a connection loss or request timeout until the deadline, else throws it mapped. */
    private void retryOrThrow(LeaseSession s, KeeperException e, long deadline, String what) {
        boolean transientLoss = e.code() == KeeperException.Code.CONNECTIONLOSS
                || e.code() == KeeperException.Code.REQUESTTIMEOUT || e.code() == KeeperException.Code.OPERATIONTIMEOUT;
        if (!transientLoss || System.nanoTime() - deadline >= 0) {
            throw leaseFailure(s, e, what);
        }
        s.awaitConnected(deadline, what);
    }

    private CaravanException leaseFailure(LeaseSession s, KeeperException e, String what) {
        if (e.code() == KeeperException.Code.SESSIONEXPIRED || e.code() == KeeperException.Code.SESSIONMOVED) {
            dropLease(s);
        }
        return ZkErrors.of(e, what, true);
    }

    /** A lease found ended mid-call is dropped; the exception passes on. */
    private CaravanException ended(LeaseSession s, CaravanException e) {
        if (e.code() == ErrorCode.LEASE_EXPIRED) {
            dropLease(s);
        }
        return e;
    }
}
