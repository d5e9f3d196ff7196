package dev.caravan.migration;

import dev.caravan.migration.resources.ResourceTransfer;
import dev.caravan.wire.net.FrameConnection;

import java.util.List;
import java.util.Map;

/**
 * The destination side of one migration, clone or restore: a process being received, as a
 * small state machine.
 *
 * <pre>
 *  RECEIVING ──MIG_COMMIT──▶ COMMITTED ──(post-copy: pages still missing)──▶ PULLING ──MIG_PUSH_DONE──▶ DONE
 *      │                          └──(nothing missing)──────────────────────────────────────────────▶ DONE
 *      └── MIG_ABORT, the source's connection closed, or no word from it within the idle deadline ──▶ ABORTED
 * </pre>
 *
 * Touched by the source's control connection and the engine's idle check; its fields are
 * written before the process starts and read after, under the engine's map.
 */
final class Arrival {
    enum State { RECEIVING, COMMITTED, PULLING, DONE, ABORTED }

    final MovableProcess process;
    final long epoch;
    final boolean ownFront;
    final String sourceNode;
    final Faults faults;
    final FrameConnection connection;
    final PageStreamReceiver stream;
    final SourcePageFetcher earlyFetcher;
    volatile State state = State.RECEIVING;
    volatile long lastHeardNs;
    volatile List<ResourceTransfer> transfers = List.of();
    volatile Map<String, String> uris = Map.of();
    volatile boolean resourcesInstalled;

    Arrival(MovableProcess process, long epoch, boolean ownFront, String sourceNode, Faults faults, FrameConnection connection,
            PageStreamReceiver stream, SourcePageFetcher earlyFetcher, long nowNs) {
        this.process = process;
        this.epoch = epoch;
        this.ownFront = ownFront;
        this.sourceNode = sourceNode;
        this.faults = faults;
        this.connection = connection;
        this.stream = stream;
        this.earlyFetcher = earlyFetcher;
        this.lastHeardNs = nowNs;
    }

    String name() {
        return process.name();
    }
}
