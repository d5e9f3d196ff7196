package dev.caravan.systemtests.faults;

import dev.caravan.launch.DaemonPlace;
import dev.caravan.launch.net.NetHosts;
import dev.caravan.launch.net.TestHost;
import dev.caravan.testsupport.CaravanCluster;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Cuts a node (or a ZooKeeper server) off from everything and brings it back: the link of the
 * network-namespace host it runs on goes down ({@link TestHost#cutLink}) and comes up again; the node keeps running,
 * alone, and the test JVM cannot reach it either meanwhile. {@link #close} restores every link
 * still cut. Not thread-safe.
 */
final class HostLink implements AutoCloseable {
    private final CaravanCluster cluster;
    private final NetHosts hosts;
    private final Set<TestHost> cut = new LinkedHashSet<>();

    HostLink(CaravanCluster cluster, NetHosts hosts) {
        this.cluster = cluster;
        this.hosts = hosts;
    }

    /** The host {@code nodeId} runs on. */
    TestHost hostOf(String nodeId) {
        return host(cluster.nodePlace(nodeId), "node " + nodeId);
    }

    /** The host ZooKeeper member {@code member} (from 0) runs on. */
    TestHost zooKeeperHost(int member) {
        return host(cluster.zooKeeper().place(member), "ZooKeeper member " + (member + 1));
    }

    private TestHost host(DaemonPlace place, String who) {
        return hosts.hosts().stream().filter(h -> h.name().equals(place.label())).findFirst()
                .orElseThrow(() -> new IllegalStateException(who + " runs on " + place.label() + ", not on a test host"));
    }

    void cut(String nodeId) throws IOException {
        cut(hostOf(nodeId));
    }

    void restore(String nodeId) throws IOException {
        restore(hostOf(nodeId));
    }

    /** Cuts {@code h}'s link (whatever runs there: a node, a ZooKeeper server). */
    void cut(TestHost h) throws IOException {
        h.cutLink();
        cut.add(h);
    }

    void restore(TestHost h) throws IOException {
        h.restoreLink();
        cut.remove(h);
    }

    /**
     * The network as the kernel sees it now, for failure messages: the bridge's neighbours and
     * forwarding table, and each host's links, neighbours and routes.
     */
    String diagnose() {
        StringBuilder b = new StringBuilder();
        run(b, "ip", "-br", "link", "show", "master", hosts.bridgeName());
        run(b, "ip", "neigh", "show", "dev", hosts.bridgeName());
        run(b, "bridge", "fdb", "show", "br", hosts.bridgeName());
        for (TestHost h : hosts.hosts()) {
            run(b, "ip", "-n", h.name(), "-br", "link");
            run(b, "ip", "-n", h.name(), "neigh");
            run(b, "ip", "-n", h.name(), "route");
        }
        return b.toString();
    }

    private static void run(StringBuilder b, String... command) {
        b.append("$ ").append(String.join(" ", command)).append('\n');
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            b.append(new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException e) {
            b.append(e).append('\n');
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (TestHost h : Set.copyOf(cut)) {
            try {
                h.restoreLink();
            } catch (IOException | RuntimeException e) {
                // The fixture may be closing already; it removes the link anyway.
            }
        }
        cut.clear();
    }
}
