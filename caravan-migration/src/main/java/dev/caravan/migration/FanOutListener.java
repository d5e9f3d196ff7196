package dev.caravan.migration;

import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tells every listener of an engine, in the order they were added; what one throws is logged
 * (WARNING) and dropped, so that neither the operation nor the other listeners are disturbed.
 * Thread-safe when {@code listeners} is (the engine passes a copy-on-write list).
 */
final class FanOutListener implements MigrationListener {
    private static final System.Logger LOG = System.getLogger(FanOutListener.class.getName());
    private final List<MigrationListener> listeners;

    FanOutListener(List<MigrationListener> listeners) {
        this.listeners = listeners;
    }

    private void tell(Consumer<MigrationListener> call) {
        for (MigrationListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a migration listener failed (ignored): " + e);
            }
        }
    }

    @Override
    public void onOutgoingBegun(MigrationRequest request) {
        tell(l -> l.onOutgoingBegun(request));
    }

    @Override
    public void onOutgoingProgress(MigrationRequest request, MigrationProgress progress) {
        tell(l -> l.onOutgoingProgress(request, progress));
    }

    @Override
    public void onOutgoingPhase(MigrationRequest request, MigrationProgress progress) {
        tell(l -> l.onOutgoingPhase(request, progress));
    }

    @Override
    public void onOutgoingEnded(MigrationRequest request, MigrationReport report) {
        tell(l -> l.onOutgoingEnded(request, report));
    }

    @Override
    public void onCheckpointed(String name, Path path, MigrationReport report) {
        tell(l -> l.onCheckpointed(name, path, report));
    }

    @Override
    public void onArrivalBegun(String name, String sourceNode, long epoch) {
        tell(l -> l.onArrivalBegun(name, sourceNode, epoch));
    }

    @Override
    public void onArrivalCommitted(String name, String sourceNode, long epoch) {
        tell(l -> l.onArrivalCommitted(name, sourceNode, epoch));
    }

    @Override
    public void onArrivalAborted(String name, String sourceNode, String why) {
        tell(l -> l.onArrivalAborted(name, sourceNode, why));
    }
}
