package dev.caravan.cli.commands.nodes;

import dev.caravan.client.CaravanClient;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.DrainReport;
import dev.caravan.wire.node.DrainRequest;
import dev.caravan.wire.node.DrainStep;
import dev.caravan.wire.node.NodeStatus;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The CLI's calls to the node operations of a drain (layouts in
 * {@link dev.caravan.wire.node.NodeProtocol}): status, cordon, uncordon, drain. Each call uses a
 * connection of its own. Failures arrive as {@link dev.caravan.wire.CaravanException}s.
 */
public final class NodeCalls {
    /** How long a node may take to report its status. */
    public static final Duration STATUS_TIMEOUT = Duration.ofSeconds(3);

    private NodeCalls() {
    }

    /** The control address of {@code node}, per naming. */
    public static InetSocketAddress controlOf(CaravanClient client, String node) {
        Map<String, InetSocketAddress> nodes = client.nodes();
        InetSocketAddress a = nodes.get(node);
        if (a == null) {
            throw ErrorCode.NOT_FOUND.exception("no node '" + node + "'; nodes: " + nodes.keySet());
        }
        return a;
    }

    /** Sends one of NODE_STATUS, NODE_CORDON, NODE_UNCORDON; returns the node's status after it. */
    public static NodeStatus statusCall(InetSocketAddress control, String token, int op) {
        try (FrameClient c = FrameClient.connect(control, new Hello("cli", token), STATUS_TIMEOUT, dev.caravan.wire.net.ClientTransport.current())) {
            return NodeStatus.readFrom(c.call(op, new byte[0], STATUS_TIMEOUT).expectOk());
        }
    }

    /** A node's answer to NODE_STATUS, or why it gave none. */
    public record Answer(String node, InetSocketAddress control, NodeStatus status, String unreachable) {
    }

    /** Every registered node's status, asked at once; a node that does not answer in time is listed with the reason. */
    public static List<Answer> statusAll(CaravanClient client, String token) {
        Map<String, InetSocketAddress> nodes = client.nodes();
        Map<String, CompletableFuture<NodeStatus>> asked = new java.util.TreeMap<>();
        for (Map.Entry<String, InetSocketAddress> n : nodes.entrySet()) {
            CompletableFuture<NodeStatus> f = new CompletableFuture<>();
            Thread.ofVirtual().name("status-" + n.getKey()).start(() -> {
                try {
                    f.complete(statusCall(n.getValue(), token, Op.NODE_STATUS));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            asked.put(n.getKey(), f.orTimeout(STATUS_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS));
        }
        List<Answer> out = new ArrayList<>();
        asked.forEach((node, f) -> {
            try {
                out.add(new Answer(node, nodes.get(node), f.join(), ""));
            } catch (CompletionException e) {
                out.add(new Answer(node, nodes.get(node), null, String.valueOf(e.getCause().getMessage())));
            }
        });
        return out;
    }

    /** The status of every node that answered. */
    public static List<NodeStatus> statuses(CaravanClient client, String token) {
        return statusAll(client, token).stream().filter(a -> a.status() != null).map(Answer::status).toList();
    }

    /** Drains a node; {@code steps} gets each step (on a reader thread; must not block). */
    public static DrainReport drain(InetSocketAddress control, String token, DrainRequest request, Consumer<DrainStep> steps) {
        try (FrameClient c = FrameClient.connect(control, new Hello("cli", token), Duration.ofSeconds(10),
                f -> steps.accept(DrainStep.readFrom(f.reader())), dev.caravan.wire.net.ClientTransport.current())) {
            BodyWriter w = new BodyWriter();
            request.writeTo(w);
            // The node ends the drain by its own deadline; this one only guards against a node that never answers.
            Duration wait = Duration.ofMillis(request.timeoutMs()).plusMinutes(2);
            return DrainReport.readFrom(c.call(Op.NODE_DRAIN, w.toBytes(), wait).expectOk());
        }
    }
}
