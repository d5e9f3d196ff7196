package dev.caravan.switching.transport;

/** Fixed limits of the switch's data plane (HAProxy's defaults where it has one). */
public final class ConnectionLimits {
    /** Connecting to a backend longer than this fails the attempt (HAProxy {@code timeout connect}). */
    public static final int CONNECT_TIMEOUT_MS = 5_000;
    /** Dispatch attempts for one client connection or request whose backend could not be reached. */
    public static final int MAX_CONNECT_ATTEMPTS = 2;

    private ConnectionLimits() {
    }
}
