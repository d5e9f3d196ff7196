package dev.caravan.migration;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.HostPort;
import dev.caravan.wire.node.MigrationMessages;
import dev.caravan.wire.node.MigrationReport;
import org.HdrHistogram.Histogram;

import java.time.Duration;

/**
 * Post-copy page faults at the destination: fetches the faulting page from the migration
 * source on a connection of its own (so the background push cannot delay it), together with the
 * pages after it that are still missing (adaptive pre-paging: the window doubles while faults
 * run sequentially and falls back when they jump, up to {@link MigrationSettings#prePagingMaxPages}).
 * The neighbours are delivered into memory at once. If the source cannot answer (source died,
 * link cut) the pages are lost: the process is marked failed — explicitly, never left running
 * with holes — and the failure is thrown to the faulting command.
 *
 * <p>Called on the process thread; thread-safe. Fault service times (µs) are recorded for the report.
 */
final class SourcePageFetcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SourcePageFetcher.class.getName());
    private static final int FIRST_WINDOW = 16;

    private final MigrationHost host;
    private final MigrationSettings settings;
    private final String name;
    private final String sourceControl;
    private final MovableProcess process;
    private final Clock clock;
    private final Histogram serviceMicros = new Histogram(3_600_000_000L, 2);
    private FrameClient client;
    private volatile boolean lost;
    private long nextSequential = -1;
    private int window = FIRST_WINDOW;
    private long faults;
    private long pages;

    SourcePageFetcher(MigrationHost host, MigrationSettings settings, String name, String sourceControl, MovableProcess process) {
        this.host = host;
        this.settings = settings;
        this.name = name;
        this.sourceControl = sourceControl;
        this.process = process;
        this.clock = host.clock();
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
                        client = host.connect(HostPort.parse(sourceControl), Duration.ofMillis(settings.connectTimeoutMs()));
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
        long start = clock.nanoTime();
        int around = Math.min(settings.prePagingMaxPages(), page == nextSequential ? Math.min(window * 2, 1 << 16) : FIRST_WINDOW);
        window = Math.max(FIRST_WINDOW, around);
        try {
            if (client == null || !client.isOpen()) {
                client = host.connect(HostPort.parse(sourceControl), Duration.ofMillis(settings.connectTimeoutMs()));
            }
            BodyReader r = client.call(Op.MIG_FETCH, new MigrationMessages.Fetch(name, page, around).encode(),
                    Duration.ofMillis(settings.fetchTimeoutMs())).expectOk();
            int n = r.count(1 + MigrationMessages.Fetch.MAX_AROUND, "fetched page");
            byte[] wanted = null;
            long last = page;
            for (int i = 0; i < n; i++) {
                long p = r.i64();
                byte[] bytes = r.bytes();
                if (p == page) {
                    wanted = bytes;
                } else {
                    process.memory().deliverPage(p, bytes);
                    last = Math.max(last, p);
                }
            }
            r.expectEnd();
            if (wanted == null) {
                throw ErrorCode.MALFORMED.exception("the source answered a fault on page " + page + " without it");
            }
            nextSequential = last + 1;
            faults++;
            pages += n;
            serviceMicros.recordValue(Math.max(0, (clock.nanoTime() - start) / 1000));
            return wanted;
        } catch (CaravanException e) {
            lost = true;
            LOG.log(System.Logger.Level.WARNING, "post-copy of " + name + ": page " + page + " cannot be fetched from "
                    + sourceControl + " (" + e.getMessage() + "); marking the process failed");
            host.markLost(process);
            throw ErrorCode.PROCESS_FAILED.exception("page " + page + " of " + name + " was lost with the migration source: "
                    + e.getMessage());
        }
    }

    /** Faults served so far, pages they brought, and the service time's p50, p99 and max (µs). */
    synchronized MigrationReport.FaultStats stats() {
        if (faults == 0) {
            return MigrationReport.FaultStats.NONE;
        }
        return new MigrationReport.FaultStats(faults, pages, serviceMicros.getValueAtPercentile(50),
                serviceMicros.getValueAtPercentile(99), serviceMicros.getMaxValue());
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
