package dev.caravan.cli.options;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Refuses, before anything starts, a port something else already listens on, so that a second
 * {@code caravan up} says so in one line instead of a daemon failing with a {@code BindException}
 * in its log. A race with another process binding the port in between is still possible; the
 * daemon then reports it.
 */
public final class PortCheck {
    private PortCheck() {
    }

    /**
     * Binds {@code host:port} for an instant (nothing to do for port 0).
     *
     * @throws dev.caravan.wire.CaravanException UNAVAILABLE naming the address and what to do
     */
    public static void free(String host, int port, String what) {
        if (port == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw ErrorCode.UNAVAILABLE.exception(what + " cannot listen on " + host + ":" + port + ": "
                    + (e instanceof java.net.BindException ? "address already in use" : String.valueOf(e.getMessage()))
                    + "; stop what uses it (another 'caravan up'?) or choose another --port");
        }
    }
}
