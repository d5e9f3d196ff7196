package dev.caravan.switching.transport;

/** How a transport-level front end moves bytes between a client and its backend. */
public enum RelayMode {
    /**
     * Kernel {@code splice(2)} through a pipe, both directions: the bytes never enter the JVM.
     * Needs the epoll transport; both sockets on one event loop, level-triggered.
     *
     * <p><b>Not the default, and unsafe when a side half-closes under backpressure</b>: in Netty
     * 4.2.13, when the peer's FIN (EPOLLRDHUP) arrives while the splice pipe is full, Netty's
     * splice read stops at the full pipe, takes it for end of input and shuts the input down;
     * the bytes still in the socket are lost and the kernel answers with RST (reproduced with
     * 10 MiB + {@code shutdownOutput}: truncated data, "Connection reset"). It is also slower
     * than {@link #COPY} on loopback here (10 MiB echo: 3.5 s vs 1.1 s). Use it only for
     * protocols that never half-close.
     */
    SPLICE,
    /** Read into pooled buffers and write them to the other side, with backpressure (portable). */
    COPY
}
