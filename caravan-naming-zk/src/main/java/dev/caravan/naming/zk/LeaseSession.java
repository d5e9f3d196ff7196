package dev.caravan.naming.zk;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

import java.io.IOException;
import java.util.Map;

/**
 * One lease: a plain ZooKeeper handle (not Curator, which would replace an expired session
 * silently) whose session is the lease. Its state follows the handle's default watcher; once
 * the session is expired or closed the handle is dead for good and so is the lease.
 *
 * <p>The handle's own client moves the session to another server of the ensemble when its server
 * goes away, as long as it reconnects within the session timeout.
 *
 * <p><b>Threading.</b> Thread-safe; {@link #awaitConnected} blocks the caller, bounded by its deadline.
 */
final class LeaseSession implements Watcher {
    private final ZooKeeper zk;
    private final String holder;
    private final long openedAtMs;
    private Event.KeeperState state = Event.KeeperState.Disconnected;
    /** When the handle lost its server (System.nanoTime), or 0 while connected. */
    private long disconnectedAtNanos = System.nanoTime();
    /** The last time the holder called renew (or opened), on System.nanoTime; see the watchdog. */
    private volatile long renewedAtNanos;
    private volatile long renewedAtMs;

    /**
     * Starts connecting; the caller waits with {@link #awaitConnected}.
     *
     * @param connect          ZooKeeper connect string with the chroot ({@code h:p,h:p/caravan})
     * @param sessionTimeoutMs asked of the server, which clamps it to its 2..20 tick times
     * @param requestTimeoutMs bound of each synchronous call (zookeeper.request.timeout)
     * @param tls              ZooKeeper client TLS properties ({@link ZkTlsSettings#client}), empty for plaintext
     */
    LeaseSession(String connect, int sessionTimeoutMs, long requestTimeoutMs, String holder, Map<String, String> tls)
            throws IOException {
        this.holder = holder;
        this.openedAtMs = System.currentTimeMillis();
        this.renewedAtMs = openedAtMs;
        this.renewedAtNanos = System.nanoTime();
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, Long.toString(requestTimeoutMs));
        tls.forEach(config::setProperty);
        this.zk = new ZooKeeper(connect, sessionTimeoutMs, this, config);
    }

    @Override
    public void process(WatchedEvent event) {
        if (event.getType() == Event.EventType.None) {
            synchronized (this) {
                if (state != Event.KeeperState.Expired && state != Event.KeeperState.Closed) {
                    state = event.getState();
                    if (state == Event.KeeperState.SyncConnected) {
                        disconnectedAtNanos = 0;
                    } else if (disconnectedAtNanos == 0) {
                        disconnectedAtNanos = System.nanoTime();
                    }
                }
                notifyAll();
            }
        }
    }

    ZooKeeper zk() {
        return zk;
    }

    /** The session id, which is the lease id; valid once connected. */
    long id() {
        return zk.getSessionId();
    }

    /** The session timeout the server granted, valid once connected. */
    long negotiatedTimeoutMs() {
        return zk.getSessionTimeout();
    }

    String holder() {
        return holder;
    }

    long openedAtMs() {
        return openedAtMs;
    }

    long renewedAtMs() {
        return renewedAtMs;
    }

    long renewedAtNanos() {
        return renewedAtNanos;
    }

    void onRenew() {
        renewedAtNanos = System.nanoTime();
        renewedAtMs = System.currentTimeMillis();
    }

    /**
     * Whether the handle has had no server for longer than the session timeout: the ensemble
     * may have expired the session without the handle hearing of it (ZooKeeper tells a client
     * only when it reconnects), so the holder must consider the lease gone, as Curator does.
     */
    synchronized boolean disconnectedPastTimeout(long nowNanos) {
        return disconnectedAtNanos != 0 && state != Event.KeeperState.Expired && state != Event.KeeperState.Closed
                && nowNanos - disconnectedAtNanos > java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(zk.getSessionTimeout());
    }

    /** Whether the session is over (expired or closed): the lease can never come back. */
    synchronized boolean ended() {
        return state == Event.KeeperState.Expired || state == Event.KeeperState.Closed || !zk.getState().isAlive();
    }

    /**
     * Waits until the handle is connected to a server.
     *
     * @throws CaravanException LEASE_EXPIRED when the session ended, UNAVAILABLE when not connected by the deadline
     */
    synchronized void awaitConnected(long deadlineNanos, String what) {
        while (true) {
            if (ended()) {
                throw ErrorCode.LEASE_EXPIRED.exception("naming: lease " + id() + " of " + holder
                        + " has expired (its ZooKeeper session ended) while " + what + "; open a new lease");
            }
            if (state == Event.KeeperState.SyncConnected) {
                return;
            }
            long leftNanos = deadlineNanos - System.nanoTime();
            if (leftNanos <= 0) {
                throw ErrorCode.UNAVAILABLE.exception("naming: no ZooKeeper server reachable while " + what
                        + " (lease " + id() + " of " + holder + " is disconnected); retry");
            }
            try {
                wait(Math.max(1, leftNanos / 1_000_000));
            } catch (InterruptedException e) {
                throw ZkErrors.interrupted(what);
            }
        }
    }

    /** Closes the session (the server deletes its ephemerals) within {@code waitMs}. Idempotent. */
    void close(int waitMs) {
        try {
            zk.close(waitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            state = Event.KeeperState.Closed;
            notifyAll();
        }
    }
}
