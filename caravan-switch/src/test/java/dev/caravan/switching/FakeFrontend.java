package dev.caravan.switching;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** A front end that only binds its address and asks for its routes' dispatchers: what the daemon's tests need. */
final class FakeFrontend implements Frontend {
    private final FrontendSpec spec;
    private final ServerSocket socket;
    volatile boolean closed;

    FakeFrontend(FrontendSpec spec, SwitchContext context) {
        this.spec = spec;
        try {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(spec.listen());
        } catch (IOException e) {
            throw ErrorCode.UNAVAILABLE.exception("cannot listen on " + spec.listen() + ": " + e.getMessage());
        }
        if (spec.mode() != DispatchMode.PROCESS) {
            // As the real ones: a PROCESS front end follows its process through naming, with no pool.
            spec.routes().forEach(r -> context.dispatcher(spec, r));
        }
    }

    @Override
    public FrontendSpec spec() {
        return spec;
    }

    @Override
    public InetSocketAddress address() {
        return new InetSocketAddress(spec.listen().getAddress(), socket.getLocalPort());
    }

    @Override
    public int clientConnections() {
        return 0;
    }

    @Override
    public long dispatched() {
        return 0;
    }

    @Override
    public long refused() {
        return 0;
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a listening socket that is already gone.
        }
    }
}
