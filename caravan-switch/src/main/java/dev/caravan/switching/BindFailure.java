package dev.caravan.switching;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.net.InetSocketAddress;

/**
 * The one-line error of a front end that cannot bind its address, the same whichever transport
 * (JDK, Netty NIO or epoll) failed: {@code front end web cannot listen on 127.0.0.1:8080: address
 * already in use; choose a free address}.
 *
 * <p>Threading: stateless.
 */
public final class BindFailure {
    private BindFailure() {
    }

    /** UNAVAILABLE naming the front end, {@code host:port} and the reason in words. */
    public static CaravanException of(String frontend, InetSocketAddress address, Throwable cause) {
        return ErrorCode.UNAVAILABLE.exception("front end " + frontend + " cannot listen on " + address.getHostString() + ":"
                + address.getPort() + ": " + reason(cause) + "; choose a free address");
    }

    static String reason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof java.net.BindException || (m != null && m.contains("Address already in use"))) {
                return "address already in use";
            }
            if (m != null && m.contains("Cannot assign requested address")) {
                return "no such local address";
            }
            if (m != null && m.contains("Permission denied")) {
                return "permission denied (ports below 1024 need privileges)";
            }
        }
        String m = cause == null ? null : cause.getMessage();
        return m == null ? String.valueOf(cause) : m;
    }
}
