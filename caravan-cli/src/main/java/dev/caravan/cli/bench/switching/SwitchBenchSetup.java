package dev.caravan.cli.bench.switching;

import dev.caravan.client.NodeControl;
import dev.caravan.core.time.Clock;
import dev.caravan.launch.LocalCluster;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * What {@code caravan bench switch} puts on its local cluster: the HTTP sample's replicas (placed
 * on the nodes in turn, labelled {@code service=<service>} as {@code caravan deploy --replicas}
 * labels them), the Redis-compatible process, and the switch's front ends for them.
 *
 * <p>Threading: used by the command's thread only.
 */
public final class SwitchBenchSetup {
    private static final long REPLICA_MEMORY_BYTES = 64L << 20;
    private static final long KV_MEMORY_BYTES = 512L << 20;
    private static final long READY_TIMEOUT_MS = 30_000;

    /**
     * Where redis-benchmark connects.
     *
     * @param throughSwitch null when the switch has no process front end for it
     * @param note          how the two were found, for the report
     */
    public record RespTargets(InetSocketAddress direct, InetSocketAddress throughSwitch, String note) {
    }

    private final LocalCluster cluster;
    private final Consumer<String> progress;
    private final SwitchFrontDoors doors;
    private boolean healthLikeHaproxy;

    public SwitchBenchSetup(LocalCluster cluster, Consumer<String> progress) {
        this.cluster = cluster;
        this.progress = progress;
        this.doors = new SwitchFrontDoors(cluster.switchAdmin());
    }

    /**
     * Starts {@code service-1 … service-n}, replica i on node i mod nodes, each labelled
     * {@code label.service=service}, and waits until each answers {@code GET /health}.
     *
     * @return replica name → data endpoint
     */
    public Map<String, InetSocketAddress> deployHttpReplicas(String service, int n) throws IOException, InterruptedException {
        List<String> nodes = cluster.nodeIds();
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
            String node = nodes.get((i - 1) % nodes.size());
            String name = service + "-" + i;
            try (NodeControl c = NodeControl.connect(cluster.nodeControls().get(node), "bench", "", Duration.ofSeconds(30))) {
                ProcessInfo p = c.start(new ProcessSpec(name, "http", "", "", REPLICA_MEMORY_BYTES, Map.of("label.service", service)));
                InetSocketAddress at = new InetSocketAddress(p.dataHost(), p.dataPort());
                awaitHealthy(name, at);
                out.put(name, at);
                progress.accept("replica " + name + " on " + node + " at " + p.dataEndpoint());
            }
        }
        return out;
    }

    /**
     * Declares the switch's three HTTP front ends for the service ({@link SwitchFrontDoors}) and
     * waits until each has every replica as a healthy backend.
     */
    public List<HttpPath> switchHttpPaths(String service, int replicas, int wrkThreads, boolean healthLikeHaproxy) {
        this.healthLikeHaproxy = healthLikeHaproxy;
        List<HttpPath> paths = new ArrayList<>();
        paths.add(declare(HttpPath.TRANSPORT, "bench-transport", "tcp", "transport", service, replicas, wrkThreads,
                "switch, transport level (tcp): one replica per connection, round robin, bytes relayed"));
        paths.add(declare(HttpPath.CONTENT, "bench-content", "http", "content", service, replicas, wrkThreads,
                "switch, content-aware (http): each request routed, round robin, pooled keep-alive backend connections"));
        paths.add(declare(HttpPath.HANDOFF, "bench-handoff", "http", "handoff", service, replicas, wrkThreads,
                "switch, handoff (http): after the first request the connection is passed to the replica's node"));
        return paths;
    }

    private HttpPath declare(String path, String frontend, String protocol, String mode, String service, int replicas,
                             int wrkThreads, String description) {
        InetSocketAddress at = doors.declare(frontend, protocol, mode, service, replicas, healthLikeHaproxy);
        progress.accept("switch front end " + frontend + " (" + protocol + ", " + mode + ", round robin over label:service="
                + service + ") on " + at.getPort());
        return new HttpPath(path, description, List.of(at), wrkThreads);
    }

    /** Requests each backend served through the switch's front ends, by front end and backend; empty if it does not answer. */
    public Map<String, Map<String, Long>> switchServed() {
        try {
            return doors.served();
        } catch (CaravanException e) {
            progress.accept("the switch's admin API did not list its backends: " + e.getMessage());
            return Map.of();
        }
    }

    /** How often the switch took a backend out as down during the run (its log lines {@code … is down: …}), -1 if unreadable. */
    public long backendsMarkedDown() {
        return countSwitchLogLines(" is down: ");
    }

    /**
     * Connections the handoff front end could not hand off and spliced instead (its log lines
     * {@code handoff unavailable for …}), or -1 when the switch's log cannot be read.
     */
    public long handoffFallbacks() {
        return countSwitchLogLines("handoff unavailable for");
    }

    private long countSwitchLogLines(String needle) {
        try (var lines = Files.lines(cluster.switchJvm().log())) {
            return lines.filter(l -> l.contains(needle)).count();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** Starts the Redis-compatible process on the first node; finds the switch's process front end for it. */
    public RespTargets deployKv(String name) {
        try (NodeControl c = NodeControl.connect(cluster.nodeControls().get(cluster.nodeIds().getFirst()), "bench", "",
                Duration.ofSeconds(30))) {
            ProcessInfo p = c.start(new ProcessSpec(name, "kv", "", "", KV_MEMORY_BYTES, Map.of()));
            progress.accept("Redis-compatible process " + name + " on " + p.node() + " at " + p.dataEndpoint());
            InetSocketAddress direct = new InetSocketAddress(p.dataHost(), p.dataPort());
            InetSocketAddress front = doors.processFrontend(name);
            progress.accept("the switch's process front end process-" + name + " on " + front.getPort());
            return new RespTargets(direct, front, "direct: the process's data endpoint " + p.dataEndpoint()
                    + "; switch: its automatic process front end process-" + name + " at " + front.getHostString() + ":" + front.getPort());
        }
    }

    private static void awaitHealthy(String name, InetSocketAddress at) throws InterruptedException {
        long deadline = Clock.system().nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        String last = "";
        while (Clock.system().nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(at, 2000);
                s.setSoTimeout(2000);
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                int status = new HttpReplyReader(new BufferedInputStream(s.getInputStream())).read();
                if (status == 200) {
                    return;
                }
                last = "HTTP " + status;
            } catch (IOException e) {
                last = e.getMessage();
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw ErrorCode.TIMEOUT.exception("replica " + name + " at " + at.getHostString() + ":" + at.getPort()
                + " did not answer GET /health within " + READY_TIMEOUT_MS + " ms (" + last + ")");
    }
}
