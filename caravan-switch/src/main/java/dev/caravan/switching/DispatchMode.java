package dev.caravan.switching;

import dev.caravan.wire.ErrorCode;

import java.util.Locale;

/** How a front end dispatches (van Steen &amp; Tanenbaum ch. 3: transport-layer vs content-aware switching). */
public enum DispatchMode {
    /** One backend per client connection, chosen at accept; bytes spliced both ways, unparsed. */
    TRANSPORT,
    /** Each request parsed and routed on its own (host, path, header, cookie, key); keep-alive and pipelining kept. */
    CONTENT,
    /**
     * TCP handoff: the switch reads the first request, picks a backend, and passes the live client
     * socket to that backend's node (one host only), which replies directly; the switch leaves the path.
     */
    HANDOFF,
    /**
     * A stateful process reached by name: the switch holds the client's connection and sends each
     * batch, in the client's session, to wherever the process runs now (RESP only).
     */
    PROCESS;

    /** @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT naming the accepted values */
    public static DispatchMode parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception("unknown mode '" + text + "'; use transport, content, handoff or process");
        }
    }
}
