package dev.caravan.servers.model;

/**
 * A connection limit shared by several servers (a tenant slice's processes on one node, say):
 * each server takes a slot before it serves a new connection, beyond its own
 * {@link ServerOptions#maxConnections}, and gives it back when the connection closes, exactly once.
 * A connection refused by the gate gets what {@link Server#refuseAtConnectionLimit} set and is closed.
 *
 * <p>Implementations are thread-safe: every server's accepting and closing threads call them.
 */
public interface ConnectionGate {
    /** Takes a slot; false when the shared limit is reached (the caller then refuses the connection). */
    boolean tryAcquire();

    /** Gives back a slot taken by a successful {@link #tryAcquire}. */
    void release();
}
