package dev.caravan.wire.resp;

import dev.caravan.wire.security.TransportSecurity;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * RESP over TLS for a data endpoint, as redis-server's {@code tls-port}: a TLS 1.3 listener
 * that requires a client certificate from the cluster's CA (any role) and relays each
 * connection's decrypted bytes, unchanged, to the process's plaintext data endpoint on loopback
 * ({@code redis-cli --tls --cacert ca.crt --cert identity.crt --key identity.key -p PORT}).
 * The plaintext endpoint keeps serving; the relay adds one loopback hop per command.
 *
 * <p>Threading: one platform thread accepts; each connection gets two virtual threads (one per
 * direction); closing either side closes both. {@link #close} stops accepting and closes every
 * connection. A client that fails the handshake (no certificate, another CA) is dropped before a
 * byte reaches the endpoint.
 */
public final class RespTlsFront implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RespTlsFront.class.getName());

    private final ServerSocket server;
    private final InetSocketAddress backend;
    private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Listens on {@code bind} (port 0 picks one) with {@code security}'s identity and relays to {@code backend}.
     *
     * @throws IllegalArgumentException when {@code security} is plaintext
     */
    public RespTlsFront(TransportSecurity security, InetSocketAddress bind, InetSocketAddress backend) throws IOException {
        if (!security.isTls()) {
            throw new IllegalArgumentException("RESP over TLS needs a TLS identity (--tls DIR)");
        }
        this.backend = backend;
        this.server = security.newServerSocket();
        server.bind(bind, 128);
        Thread.ofPlatform().daemon(true).name("resp-tls-" + port()).start(this::acceptLoop);
    }

    /** The TLS port. */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "RESP TLS listener stopped: " + e.getMessage());
                }
                return;
            }
            Thread.ofVirtual().name("resp-tls-conn").start(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        open.add(client);
        try (client; Socket plain = new Socket()) {
            try {
                client.setSoTimeout(10_000);
                ((javax.net.ssl.SSLSocket) client).startHandshake();
                client.setSoTimeout(0);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.INFO, "RESP TLS client " + client.getRemoteSocketAddress() + " refused: " + e.getMessage());
                return;
            }
            plain.setTcpNoDelay(true);
            plain.connect(backend, 5_000);
            client.setTcpNoDelay(true);
            open.add(plain);
            Thread back = Thread.ofVirtual().name("resp-tls-back").start(() -> pump(plain, client));
            pump(client, plain);
            back.join();
        } catch (IOException | InterruptedException e) {
            LOG.log(System.Logger.Level.DEBUG, "RESP TLS connection ended: " + e);
        } finally {
            open.remove(client);
        }
    }

    /** Copies until either side ends, then closes both (the other pump then ends too). */
    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side closed or broke: both close below.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Closed either way.
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // Closed either way.
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
    }
}
