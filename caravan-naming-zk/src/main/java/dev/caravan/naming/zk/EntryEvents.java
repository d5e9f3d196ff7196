package dev.caravan.naming.zk;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.Watch;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The one ZooKeeper watch behind every {@link Watch} of a {@link ZkNamingService}: a persistent
 * recursive watch on {@code /entries} (ZooKeeper 3.6+), turned into PUT and REMOVED events.
 *
 * <p><b>How.</b> ZooKeeper's notifications carry no data, so for each one the service's event
 * thread reads the znode and compares it with the last state it saw of that name (creation zxid
 * and version): a new creation or version is a PUT of the read entry, a znode gone is a REMOVED
 * of the last entry seen. An entry moved to another lease (delete and create in one
 * transaction) therefore shows as one PUT, as in the embedded service. Because a read can only
 * see the latest state, changes of one name that follow each other faster than a read may
 * collapse into the last of them; changes are never reordered, and every watcher ends on the
 * current state. After a reconnection (or a new session of the shared client, which loses
 * server-side watches) the watch is added again and the whole table compared with what was
 * last seen, and the differences delivered.
 *
 * <p><b>Threading.</b> ZooKeeper's event thread only hands notifications over; reads and the
 * comparison run on one service-owned platform thread ({@code zk-naming-events}), which queues
 * events to each {@link ZkWatch}; listeners run on the watch's own virtual thread.
 */
final class EntryEvents implements Watcher, ConnectionStateListener {
    private static final System.Logger LOG = System.getLogger(EntryEvents.class.getName());

    /** What this side last saw of one entry's znode. */
    private record Seen(NamingEntry entry, long czxid, int version) {
    }

    private final CuratorFramework client;
    private final ExecutorService events = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("zk-naming-events").daemon(true).factory());
    private final List<ZkWatch> watches = new CopyOnWriteArrayList<>();
    /** Owned by the events thread. */
    private final Map<String, Seen> seen = new HashMap<>();
    private boolean started;

    EntryEvents(CuratorFramework client) {
        this.client = client;
    }

    /** Adds a watch once every change made before this call has been seen (bounded by {@code timeoutMs}). */
    Watch add(String prefix, Consumer<NamingEvent> listener, long timeoutMs) {
        start(timeoutMs);
        ZkWatch w = new ZkWatch(prefix, listener, watches::remove);
        CompletableFuture<Void> added = new CompletableFuture<>();
        try {
            // A sync's answer comes after the notifications of every change the server applied
            // before it, on the same event thread, so the watch joins after they were handed over.
            client.sync().inBackground((c, e) -> events.execute(() -> {
                watches.add(w);
                added.complete(null);
            })).forPath(ZkNamingService.ENTRIES);
        } catch (Exception e) {
            throw ZkErrors.of(e, "adding a watch on '" + prefix + "'");
        }
        await(added, timeoutMs, "adding a watch on '" + prefix + "'");
        return w;
    }

    private void start(long timeoutMs) {
        CompletableFuture<Void> ready;
        synchronized (this) {
            if (started) {
                return;
            }
            ready = CompletableFuture.runAsync(this::resync, events);
            await(ready, timeoutMs, "starting the naming watch");
            client.getConnectionStateListenable().addListener(this);
            started = true;
        }
    }

    @Override
    public void process(WatchedEvent event) {
        String path = event.getPath();
        if (event.getType() == Event.EventType.None || path == null) {
            return;
        }
        int slash = path.lastIndexOf('/');
        if (slash <= 0 || !path.substring(0, slash).endsWith(ZkNamingService.ENTRIES)) {
            return;
        }
        String znode = path.substring(slash + 1);
        execute(() -> onChange(znode));
    }

    @Override
    public void stateChanged(CuratorFramework c, ConnectionState state) {
        if (state == ConnectionState.RECONNECTED) {
            execute(this::onReconnected);
        }
    }

    private void onReconnected() {
        try {
            resync();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "naming watch could not catch up after a reconnection; "
                    + "it retries on the next one: " + e.getMessage());
        }
    }

    /** (Re-)adds the ZooKeeper watch, then reads the whole table and delivers what changed. Events thread. */
    private void resync() {
        try {
            client.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(this)
                    .forPath(ZkNamingService.ENTRIES);
            Map<String, Seen> now = new HashMap<>();
            for (String znode : client.getChildren().forPath(ZkNamingService.ENTRIES)) {
                Seen s = read(znode);
                if (s != null) {
                    now.put(znode, s);
                }
            }
            for (Map.Entry<String, Seen> e : now.entrySet()) {
                Seen before = seen.get(e.getKey());
                if (!same(before, e.getValue())) {
                    publish(NamingEvent.put(e.getValue().entry()));
                }
            }
            for (Map.Entry<String, Seen> e : seen.entrySet()) {
                if (!now.containsKey(e.getKey())) {
                    publish(NamingEvent.removed(e.getValue().entry()));
                }
            }
            seen.clear();
            seen.putAll(now);
        } catch (Exception e) {
            throw ZkErrors.of(e, "reading the naming table for a watch");
        }
    }

    /** One notification for {@code /entries/znode}. Events thread. */
    private void onChange(String znode) {
        Seen now;
        try {
            now = read(znode);
        } catch (Exception e) {
            // Disconnected: the resync after the reconnection delivers what this missed.
            LOG.log(System.Logger.Level.DEBUG, "naming watch read of " + znode + " failed: " + e);
            return;
        }
        Seen before = now == null ? seen.remove(znode) : seen.put(znode, now);
        if (now != null && !same(before, now)) {
            publish(NamingEvent.put(now.entry()));
        } else if (now == null && before != null) {
            publish(NamingEvent.removed(before.entry()));
        }
    }

    /** The entry's znode now, or null when absent or unreadable (logged). */
    private Seen read(String znode) throws Exception {
        Stat stat = new Stat();
        byte[] data;
        try {
            data = client.getData().storingStatIn(stat).forPath(ZkNamingService.ENTRIES + "/" + znode);
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
        try {
            return new Seen(ZnodeData.entry(data), stat.getCzxid(), stat.getVersion());
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.WARNING, "naming watch skips znode " + znode + ": " + e.getMessage());
            return null;
        }
    }

    private static boolean same(Seen a, Seen b) {
        return a != null && b != null && a.czxid() == b.czxid() && a.version() == b.version();
    }

    private void publish(NamingEvent event) {
        for (ZkWatch w : watches) {
            if (w.matches(event.entry().name())) {
                w.offer(event);
            }
        }
    }

    private void execute(Runnable r) {
        try {
            events.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed.
        }
    }

    private static void await(CompletableFuture<Void> f, long timeoutMs, String what) {
        try {
            f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw ZkErrors.interrupted(what);
        } catch (TimeoutException e) {
            throw ErrorCode.TIMEOUT.exception("naming: ZooKeeper did not answer within " + timeoutMs + " ms while " + what);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof CaravanException c ? c
                    : new CaravanException(ErrorCode.INTERNAL, "naming: " + what + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Cancels every watch and stops the events thread. */
    void close() {
        for (ZkWatch w : watches) {
            w.close();
        }
        client.getConnectionStateListenable().removeListener(this);
        events.shutdownNow();
    }
}
