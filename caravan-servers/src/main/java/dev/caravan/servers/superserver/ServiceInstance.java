package dev.caravan.servers.superserver;

import java.nio.channels.SocketChannel;

/** A started service the superserver hands connections to: in its own JVM or a child JVM. */
interface ServiceInstance extends AutoCloseable {
    /** Hands over an accepted connection; the instance owns it afterwards. */
    void adopt(SocketChannel ch) throws java.io.IOException;

    int activeConnections() throws java.io.IOException;

    boolean alive();

    /** Where it runs, for logs: "in-process" or "pid 1234". */
    String where();

    @Override
    void close();
}
