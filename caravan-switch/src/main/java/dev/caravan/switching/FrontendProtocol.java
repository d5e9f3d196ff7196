package dev.caravan.switching;

import dev.caravan.wire.ErrorCode;

import java.util.Locale;

/** What a front end's clients speak. */
public enum FrontendProtocol {
    /** Raw TCP: only transport-level dispatch (and handoff) applies. */
    TCP,
    /** HTTP/1.1 with keep-alive and pipelining. */
    HTTP,
    /** RESP2/RESP3 (Redis clients). */
    RESP;

    /** @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT naming the accepted values */
    public static FrontendProtocol parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception("unknown protocol '" + text + "'; use tcp, http or resp");
        }
    }
}
