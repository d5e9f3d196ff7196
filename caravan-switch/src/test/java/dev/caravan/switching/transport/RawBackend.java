package dev.caravan.switching.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/** A blocking TCP server for tests: one virtual thread per connection runs {@code handler}. */
public final class RawBackend implements AutoCloseable {
    public interface Handler {
        void serve(Socket s) throws IOException;
    }

    private final ServerSocket server;
    public final AtomicInteger accepted = new AtomicInteger();

    public RawBackend(Handler handler) throws IOException {
        server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            handler.serve(s);
                        } catch (IOException ignored) {
                            // the test sees the effect on the client side
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
