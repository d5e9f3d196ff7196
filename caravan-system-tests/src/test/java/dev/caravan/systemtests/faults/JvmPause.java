package dev.caravan.systemtests.faults;

import dev.caravan.testsupport.CaravanCluster;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** {@link LinkFault} on loopback: a node's JVM paused with SIGSTOP and resumed with SIGCONT. */
final class JvmPause implements LinkFault {
    private final CaravanCluster cluster;
    private final Set<String> paused = new LinkedHashSet<>();

    JvmPause(CaravanCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public String kind() {
        return "SIGSTOP";
    }

    @Override
    public void cut(String nodeId) throws IOException, InterruptedException {
        signal(nodeId, "-STOP");
        paused.add(nodeId);
    }

    @Override
    public void restore(String nodeId) throws IOException, InterruptedException {
        signal(nodeId, "-CONT");
        paused.remove(nodeId);
    }

    private void signal(String nodeId, String signal) throws IOException, InterruptedException {
        long pid = cluster.node(nodeId).pid();
        Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).redirectErrorStream(true).start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill " + signal + " " + pid + " (node " + nodeId + ") failed: "
                    + new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip());
        }
    }

    @Override
    public void close() {
        for (String n : Set.copyOf(paused)) {
            try {
                restore(n);
            } catch (IOException | InterruptedException | RuntimeException e) {
                // The node may be gone already; the cluster's close kills it anyway.
            }
        }
    }
}
