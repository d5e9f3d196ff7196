package dev.caravan.wire.node;

/**
 * The names of the security settings a process carries in its {@link ProcessSpec#config()}, so
 * they travel with it through every migration mode, clone and checkpoint. Defined once here.
 *
 * <p>{@link #SLICE} is set by the node that accepted the deploy, from the deployer's identity —
 * never taken from the caller's own settings.
 */
public final class SecuritySettings {
    /** The tenant slice that owns the process; absent or empty for a cluster-wide process. */
    public static final String SLICE = "security.slice";
    /** Who deployed it (the identity's name), for events and {@code describe}. */
    public static final String OWNER = "security.owner";
    /** {@code node} (in the node's JVM, the default) or {@code sandbox} (in its slice's sandbox JVM). */
    public static final String ISOLATION = "security.isolation";
    /** Quota: CPU time of the process's threads, as a share of one core over a 1 s window (percent, 1..100). */
    public static final String QUOTA_CPU_PERCENT = "quota.cpu-percent";
    /** Quota: client connections open at once on the process's endpoints. */
    public static final String QUOTA_CONNECTIONS = "quota.connections";
    /** Quota: requests per second over all its connections. */
    public static final String QUOTA_REQUESTS_PER_SECOND = "quota.requests-per-second";
    /** Quota: longest time one request may run in a handler before the watchdog stops the process, ms. */
    public static final String QUOTA_HANDLER_MS = "quota.handler-ms";
    /** What happens at a quota: {@code stop} (the process is stopped and reported) or {@code throttle}. */
    public static final String QUOTA_POLICY = "quota.policy";

    private SecuritySettings() {
    }
}
