package dev.caravan.naming.zk;

import dev.caravan.naming.Lease;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.NamingServiceContract;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * The naming contract on ZooKeeper: one server for the class, one chroot per test. A lease
 * expires by having the server close its session (see {@link ZkTesting#expireSession}, after
 * which the lease's own handle finds its session expired), as the server does when the holder falls silent.
 */
class ZkNamingServiceContractTest extends NamingServiceContract {
    private static TestingServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = ZkTesting.server();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected long ttlMs() {
        return 4000;
    }

    @Override
    protected NamingService newService() {
        return new ZkNamingService(server.getConnectString(), "/contract/" + testName, Duration.ofSeconds(5));
    }

    @Override
    protected void expire(Lease lease) {
        ZooKeeper handle = ((ZkNamingService) naming).leaseHandle(lease.id());
        try {
            ZkTesting.expireSession(handle, server.getConnectString());
        } catch (Exception e) {
            throw new AssertionError("could not expire session of lease " + lease.id(), e);
        }
        await().atMost(WAIT).until(() -> !handle.getState().isAlive());
    }
}
