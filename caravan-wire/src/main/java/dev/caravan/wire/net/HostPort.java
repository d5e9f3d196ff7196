package dev.caravan.wire.net;

import dev.caravan.wire.ErrorCode;

import java.net.InetSocketAddress;

/** Parses {@code host:port} as users and naming entries write it. */
public final class HostPort {
    private HostPort() {
    }

    /** @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for anything else */
    public static InetSocketAddress parse(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("expected host:port, got '" + s + "'");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception("expected host:port, got '" + s + "'");
        }
        if (port < 1 || port > 65535) {
            throw ErrorCode.INVALID_ARGUMENT.exception("port " + port + " is not a TCP port");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, port);
    }
}
