package dev.caravan.switching.shared;

import dev.caravan.switching.FrontendSpec;

/**
 * One version of one front end of the cluster's shared configuration, as naming holds it in
 * {@code switchconfig/frontend/<name>} ({@link SharedFrontendCodec} gives the layout).
 *
 * @param name      the front end's name
 * @param epoch     the version: a higher epoch replaces a lower one (wall-clock ms of the change, or
 *                  the last version's epoch + 1 when that is higher)
 * @param spec      the front end as published (the listen port is the one it was bound to), or
 *                  {@code null} for a removal (a tombstone)
 * @param ownHost   whether each switch listens on its own bind address (true when the publishing
 *                  switch's front end listened on that switch's bind address); false keeps the
 *                  spec's host as it is (a wildcard address, or one only some hosts have)
 * @param by        the switch that made the change (for diagnostics)
 */
public record SharedFrontend(String name, long epoch, FrontendSpec spec, boolean ownHost, String by) {
    /** A removal at {@code epoch}. */
    public static SharedFrontend removal(String name, long epoch, String by) {
        return new SharedFrontend(name, epoch, null, false, by);
    }

    public boolean removed() {
        return spec == null;
    }
}
