package dev.caravan.node;

import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;

import java.time.Duration;

/**
 * Post-copy page faults at the destination: fetches one page from the migration source. If
 * the source cannot give it (source died, link cut) the pages are lost: the process is marked
 * failed — explicitly, never left running with holes — and the failure is thrown to the
 * faulting command. Called on the process thread; thread-safe.
 */
final class SourcePageFetcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SourcePageFetcher.class.getName());

    private final NodeDaemon node;
    private final String name;
    private final String sourceControl;
    private final HostedProcess hosted;
    private FrameClient client;
    private volatile boolean lost;

    SourcePageFetcher(NodeDaemon node, String name, String sourceControl, HostedProcess hosted) {
        this.node = node;
        this.name = name;
        this.sourceControl = sourceControl;
        this.hosted = hosted;
    }

    /**
     * Opens the connection to the source ahead of the first fault (best effort, on a virtual
     * thread): the first page a resumed process needs then costs one round trip, not a connect.
     */
    void warmUp() {
        Thread.ofVirtual().name("fetcher-warm-up-" + name).start(() -> {
            synchronized (this) {
                if (client == null && !lost) {
                    try {
                        client = FrameClient.connect(dev.caravan.wire.net.HostPort.parse(sourceControl),
                                new Hello("node/" + node.nodeId(), node.token()), Duration.ofSeconds(10));
                    } catch (CaravanException e) {
                        LOG.log(System.Logger.Level.DEBUG, "cannot reach the migration source " + sourceControl + " yet: " + e);
                    }
                }
            }
        });
    }

    synchronized byte[] fetch(long page) {
        if (lost) {
            throw ErrorCode.PROCESS_FAILED.exception("pages of " + name + " were lost with the migration source");
        }
        try {
            if (client == null || !client.isOpen()) {
                client = FrameClient.connect(dev.caravan.wire.net.HostPort.parse(sourceControl),
                        new Hello("node/" + node.nodeId(), node.token()), Duration.ofSeconds(10));
            }
            return client.call(Op.MIG_FETCH, new BodyWriter().string(name).i64(page).toBytes(), Duration.ofSeconds(10))
                    .expectOk().bytes();
        } catch (CaravanException e) {
            lost = true;
            LOG.log(System.Logger.Level.WARNING, "post-copy of " + name + ": page " + page + " cannot be fetched from "
                    + sourceControl + " (" + e.getMessage() + "); marking the process failed");
            node.markLost(hosted);
            throw ErrorCode.PROCESS_FAILED.exception("page " + page + " of " + name + " was lost with the migration source: "
                    + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
