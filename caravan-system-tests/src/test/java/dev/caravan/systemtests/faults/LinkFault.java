package dev.caravan.systemtests.faults;

/**
 * Cuts a node off from everything and brings it back. On network-namespace hosts it is the
 * host's link going down ({@code TestHost.cutLink}): the node keeps running, alone. On loopback
 * the closest stand-in is pausing the node's JVM (SIGSTOP/SIGCONT): nobody hears from it and it
 * hears nothing, but it also does not run, so it cannot notice anything until it is resumed.
 * {@link #close} restores everything still cut. Not thread-safe.
 */
interface LinkFault extends AutoCloseable {
    /** What this fault is, for messages: {@code link cut} or {@code SIGSTOP}. */
    String kind();

    void cut(String nodeId) throws Exception;

    void restore(String nodeId) throws Exception;

    /** What the network (or the JVMs) look like now, for failure messages; "" if nothing to say. */
    default String diagnose() {
        return "";
    }

    /** Restores every node still cut; best effort. */
    @Override
    void close();
}
