package dev.caravan.cli.bench.balance;

import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.LoadReport;
import dev.caravan.wire.node.ProcessInfo;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lab's view of a cluster's balancers, over one control connection per node: each node's load
 * and its balancer's probe counts ({@code BALANCE_PROBE}; the counts are of probes a balancer
 * sends, so the lab's own are not in them), where each process runs ({@code NODE_LIST}), and the
 * balancing mode of every node ({@code BALANCE_MODE}). Used on one thread.
 */
final class ClusterProbe implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final Map<String, FrameClient> links = new LinkedHashMap<>();

    ClusterProbe(Map<String, InetSocketAddress> controls) {
        controls.forEach((id, at) -> links.put(id, FrameClient.connect(at, new Hello("lab-balance", ""), TIMEOUT, dev.caravan.wire.net.ClientTransport.current())));
    }

    /** Each node's load report (its last measurement and its balancer's running probe counts), by node id. */
    Map<String, LoadReport> reports() {
        Map<String, LoadReport> out = new LinkedHashMap<>();
        links.forEach((id, c) -> out.put(id, LoadReport.readFrom(c.call(Op.BALANCE_PROBE, new byte[0], TIMEOUT).expectOk())));
        return out;
    }

    /** Process → the node it runs on. */
    Map<String, String> placement() {
        Map<String, String> out = new LinkedHashMap<>();
        links.forEach((id, c) -> {
            var r = c.call(Op.NODE_LIST, new byte[0], TIMEOUT).expectOk();
            int n = r.i32();
            for (int i = 0; i < n; i++) {
                ProcessInfo p = ProcessInfo.readFrom(r);
                out.put(p.name(), id);
            }
        });
        return out;
    }

    /** Sets every node's balancing mode (off, push, pull, both); each balancer starts afresh. */
    void setMode(String mode) {
        links.values().forEach(c -> {
            BodyWriter w = new BodyWriter();
            w.string(mode);
            c.call(Op.BALANCE_MODE, w.toBytes(), TIMEOUT).expectOk();
        });
    }

    List<String> nodes() {
        return List.copyOf(links.keySet());
    }

    @Override
    public void close() {
        links.values().forEach(FrameClient::close);
    }
}
