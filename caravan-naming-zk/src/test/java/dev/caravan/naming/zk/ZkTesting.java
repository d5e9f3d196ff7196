package dev.caravan.naming.zk;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** ZooKeeper servers for tests: short tick times so that session timeouts of a few hundred ms are allowed. */
final class ZkTesting {
    /** Sessions of 1..20 ticks (Curator's test servers set minSessionTimeout to one tick): 200 ms .. 4 s. */
    static final int TICK_MS = 200;

    private ZkTesting() {
    }

    /** A started single server on a free port with {@link #TICK_MS}; the caller closes it. */
    static TestingServer server() throws Exception {
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, TICK_MS, -1);
        return new TestingServer(spec, true);
    }

    /**
     * Makes the ensemble end {@code handle}'s session now, as it does when the holder falls
     * silent past the timeout: a second handle joins the session with its id and password and
     * closes it (the classic way; Curator's KillSession.kill(zk, connect) is deprecated). The
     * server deletes the session's ephemerals; {@code handle} finds its session expired.
     */
    static void expireSession(ZooKeeper handle, String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(connectString, handle.getSessionTimeout(), e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, handle.getSessionId(), handle.getSessionPasswd());
        try {
            if (!connected.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("could not join session 0x" + Long.toHexString(handle.getSessionId()));
            }
        } finally {
            twin.close();
        }
    }
}
