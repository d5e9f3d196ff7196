package dev.caravan.servers.objects;

/** When the adapter creates a servant for an identity, and how long it keeps it. */
public enum ActivationPolicy {
    /** A new servant for every invocation, deactivated when it returns (nothing survives a call). */
    PER_REQUEST,
    /** One servant per client session (connection), created on that session's first call. */
    PER_SESSION,
    /** One servant for all clients, created on the first call, kept for the adapter's life unless an idle timeout is set. */
    PERSISTENT
}
