package dev.caravan.switching.shared;

import dev.caravan.switching.FrontendSpec;

/**
 * How the shared configuration acts on the switch that holds it ({@code SwitchDaemon} implements
 * it). Called on the replicator's event thread, one call at a time, with no lock of the
 * replicator held; also on the thread that starts the replicator.
 */
public interface FrontendApplier {
    /**
     * Runs {@code spec} on this switch: starts it, or replaces the running front end of that name
     * when its spec differs (an equal one is left running, its clients untouched).
     *
     * @return the port it listens on
     * @throws dev.caravan.wire.CaravanException when it cannot start here (UNAVAILABLE: its port is taken)
     */
    int adopt(FrontendSpec spec);

    /** Stops the front end called {@code name} on this switch, if it runs here. */
    void withdraw(String name);
}
