package dev.caravan.node;

import dev.caravan.naming.NamingEntry;
import dev.caravan.node.balance.Balancer;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.node.LoadReport;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.PullRequest;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The node as its {@link Balancer} sees it: its processes' command counts and reservations, its
 * peers (naming's {@code node/} entries), BALANCE_PROBE and BALANCE_PULL to them, and its
 * migration engine (a balancing move is a pre-copy live migration, as a drain's). Thread-safe.
 */
final class NodeBalanceHost implements Balancer.Host {
    /** A peer that does not answer a probe within this is no candidate. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private final NodeDaemon node;

    NodeBalanceHost(NodeDaemon node) {
        this.node = node;
    }

    @Override
    public String nodeId() {
        return node.nodeId();
    }

    @Override
    public boolean schedulable() {
        return node.status().schedulable();
    }

    @Override
    public int cpuPermille() {
        return node.status().cpuLoadPermille();
    }

    @Override
    public long processMemoryBytes() {
        return node.status().processMemoryBytes();
    }

    @Override
    public Map<String, Balancer.ProcessSample> processes() {
        Map<String, Balancer.ProcessSample> out = new LinkedHashMap<>();
        for (HostedProcess p : node.hostedProcesses()) {
            out.put(p.spec().name(), new Balancer.ProcessSample(p.runner().commandsServed(), p.spec().memoryBytes()));
        }
        return out;
    }

    @Override
    public List<String> peers() {
        List<String> out = new ArrayList<>();
        for (NamingEntry e : node.naming().list("node/")) {
            if (!e.node().equals(node.nodeId()) && !"false".equals(e.attributes().get("schedulable"))) {
                out.add(e.node());
            }
        }
        return out;
    }

    @Override
    public LoadReport probe(String peer) {
        return LoadReport.readFrom(node.peerLink(address(peer)).call(Op.BALANCE_PROBE, new byte[0], PROBE_TIMEOUT).expectOk());
    }

    @Override
    public PullRequest.Reply askPull(String peer, PullRequest request) {
        BodyWriter w = new BodyWriter();
        request.writeTo(w);
        return PullRequest.Reply.readFrom(node.peerLink(address(peer)).call(Op.BALANCE_PULL, w.toBytes(), PROBE_TIMEOUT)
                .expectOk());
    }

    @Override
    public CompletableFuture<MigrationReport> migrate(String process, String toNode) {
        MigrationRequest request = new MigrationRequest(process, toNode, MigrationMode.PRE_COPY, 100, 30, 2, false, "", "");
        return node.migrateInBackground(request, "balance-" + process);
    }

    private InetSocketAddress address(String peer) {
        NamingEntry e = node.naming().lookup("node/" + peer).orElseThrow(() -> ErrorCode.NOT_FOUND.exception(
                "node " + peer + " is not registered"));
        return new InetSocketAddress(e.host(), e.port());
    }
}
