package dev.caravan.servers.objects;

/**
 * The code behind an object identity. The adapter activates servants per their
 * {@link ActivationPolicy} and calls {@link #onActivate()} / {@link #onDeactivate()} around
 * their life.
 *
 * <p>Threading: under a {@link ThreadingModel#threadPool thread-pool} adapter a
 * {@link ActivationPolicy#PERSISTENT} servant is invoked concurrently and must be thread-safe;
 * under {@link ThreadingModel#singleThreaded()} every call of the adapter runs on one thread.
 */
public interface Servant {
    /**
     * Runs one operation.
     *
     * @throws dev.caravan.wire.CaravanException UNKNOWN_OPERATION, INVALID_ARGUMENT, … sent back
     *                                           to the caller; the connection stays open
     * @throws InterruptedException when the adapter is closing
     */
    String invoke(String operation, String argument) throws InterruptedException;

    /** Called once, before the first invocation. */
    default void onActivate() {
    }

    /** Called once, after the last invocation (idle, end of request, adapter closed). */
    default void onDeactivate() {
    }
}
