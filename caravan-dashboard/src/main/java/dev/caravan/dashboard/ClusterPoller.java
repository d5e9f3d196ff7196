package dev.caravan.dashboard;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.NodeStatus;
import dev.caravan.wire.node.ProcessInfo;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Asks every node for its status (NODE_STATUS) and its processes (NODE_LIST) — the calls behind
 * {@code caravan nodes} and {@code caravan ps} — and turns the answers into a {@link ClusterSnapshot}.
 * The nodes are those registered in naming ({@code node/…}); each is asked on a control connection
 * of the dashboard's own, kept open between polls, all nodes at once, and a node that does not
 * answer within {@code timeout} is shown unreachable instead of holding up the others.
 *
 * <p>{@link #poll} is called by one thread at a time (the dashboard's poll loop); {@link #close} from any.
 */
public final class ClusterPoller implements AutoCloseable {
    private final NamingService naming;
    private final String token;
    private final Duration timeout;
    private final ProbeSamples samples;
    private final LongSupplier clockMs;
    private final Map<InetSocketAddress, FrameClient> links = new ConcurrentHashMap<>();
    private final RateTracker requests = new RateTracker();
    private final RateTracker dirtying = new RateTracker();
    private final RateTracker probing = new RateTracker();

    /**
     * @param token   the cluster token ("" for none)
     * @param timeout how long one node may take to answer a poll
     * @param samples the probe's measurements, for each process's latency
     */
    public ClusterPoller(NamingService naming, String token, Duration timeout, ProbeSamples samples, LongSupplier clockMs) {
        this.naming = naming;
        this.token = token;
        this.timeout = timeout;
        this.samples = samples;
        this.clockMs = clockMs;
    }

    private record Answer(NodeStatus status, List<ProcessInfo> processes, String unreachable) {
    }

    /** Polls every node once; waits at most about {@code timeout}. */
    public ClusterSnapshot poll() throws InterruptedException {
        List<NamingEntry> entries = naming.list("node/");
        Map<String, Answer> answers = new ConcurrentHashMap<>();
        List<Thread> asks = new ArrayList<>();
        for (NamingEntry e : entries) {
            InetSocketAddress control = new InetSocketAddress(e.host(), e.port());
            asks.add(Thread.ofVirtual().name("poll-" + e.node()).start(() -> answers.put(e.node(), ask(control))));
        }
        long deadlineNs = System.nanoTime() + timeout.toNanos() + 200_000_000L;
        for (Thread t : asks) {
            long leftMs = Math.max(1, (deadlineNs - System.nanoTime()) / 1_000_000);
            t.join(leftMs);
        }
        long nowNs = System.nanoTime();
        long nowMs = clockMs.getAsLong();
        List<ClusterSnapshot.NodeView> nodes = new ArrayList<>();
        List<ClusterSnapshot.ProcessView> processes = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        Set<InetSocketAddress> live = new HashSet<>();
        for (NamingEntry e : entries) {
            InetSocketAddress control = new InetSocketAddress(e.host(), e.port());
            live.add(control);
            String admin = e.attribute("admin") == null ? "" : e.attribute("admin");
            Answer a = answers.getOrDefault(e.node(), new Answer(null, List.of(), "no answer within " + timeout.toMillis() + " ms"));
            if (a.status() == null) {
                nodes.add(new ClusterSnapshot.NodeView(e.node(), e.host() + ":" + e.port(), admin, a.unreachable(), false, 0, 0, 0,
                        -1, List.of()));
                continue;
            }
            NodeStatus s = a.status();
            nodes.add(new ClusterSnapshot.NodeView(e.node(), e.host() + ":" + e.port(), admin, "", s.schedulable(),
                    s.processMemoryBytes(), s.reservedBytes(), s.allocatedBytes(), s.cpuLoadPermille() < 0 ? -1 : s.cpuLoad(),
                    a.processes().stream().map(ProcessInfo::name).sorted().toList()));
            for (ProcessInfo p : a.processes()) {
                String key = p.name() + "@" + e.node();
                keys.add(key);
                processes.add(new ClusterSnapshot.ProcessView(p.name(), e.node(), p.state(), p.epoch(), p.front(), p.memoryBytes(),
                        p.allocatedPages(), p.dirtyPages(), p.commandsServed(), p.queuedCommands(),
                        clientRate(requests.rate(key, p.commandsServed(), nowNs), probing.rate(key, samples.answered(p.name()), nowNs)),
                        dirtying.rate(key, p.dirtyPages(), nowNs),
                        samples.medianMs(p.name(), nowMs - 1000), p.stateDetail()));
            }
        }
        requests.retain(keys);
        dirtying.retain(keys);
        probing.retain(keys);
        links.entrySet().removeIf(l -> {
            if (live.contains(l.getKey())) {
                return false;
            }
            l.getValue().close();
            return true;
        });
        nodes.sort(Comparator.comparing(ClusterSnapshot.NodeView::id));
        processes.sort(Comparator.comparing(ClusterSnapshot.ProcessView::name).thenComparing(ClusterSnapshot.ProcessView::node));
        return new ClusterSnapshot(nowMs, List.copyOf(nodes), List.copyOf(processes));
    }

    /**
     * The requests per second the clients sent: what the process served, less the dashboard's own
     * probe calls in the same interval (-1 when the served rate is not known yet; never below 0:
     * a probe answer counted just before the poll may be served just after it).
     */
    static double clientRate(double servedPerSec, double probedPerSec) {
        if (servedPerSec < 0) {
            return -1;
        }
        return Math.max(0, servedPerSec - Math.max(0, probedPerSec));
    }

    private Answer ask(InetSocketAddress control) {
        try {
            FrameClient c = link(control);
            var status = c.callAsync(Op.NODE_STATUS, new byte[0]);
            var list = c.callAsync(Op.NODE_LIST, new byte[0]);
            long ms = timeout.toMillis();
            NodeStatus s = NodeStatus.readFrom(status.get(ms, java.util.concurrent.TimeUnit.MILLISECONDS).expectOk());
            BodyReader r = list.get(ms, java.util.concurrent.TimeUnit.MILLISECONDS).expectOk();
            int n = r.count(1_000_000, "process");
            List<ProcessInfo> ps = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ps.add(ProcessInfo.readFrom(r));
            }
            return new Answer(s, ps, "");
        } catch (java.util.concurrent.TimeoutException e) {
            drop(control);
            return new Answer(null, List.of(), "no answer within " + timeout.toMillis() + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            drop(control);
            return new Answer(null, List.of(), String.valueOf(e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(null, List.of(), "interrupted");
        } catch (RuntimeException e) {
            drop(control);
            return new Answer(null, List.of(), String.valueOf(e.getMessage()));
        }
    }

    private FrameClient link(InetSocketAddress control) {
        FrameClient c = links.get(control);
        if (c != null && c.isOpen()) {
            return c;
        }
        FrameClient fresh = FrameClient.connect(control, new Hello("dashboard", token), timeout, dev.caravan.wire.net.ClientTransport.current());
        FrameClient prev = links.put(control, fresh);
        if (prev != null) {
            prev.close();
        }
        return fresh;
    }

    private void drop(InetSocketAddress control) {
        FrameClient c = links.remove(control);
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void close() {
        links.values().forEach(FrameClient::close);
        links.clear();
    }
}
