package dev.caravan.servers.handoff;

import dev.caravan.wire.ErrorCode;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The switch's side of a TCP handoff: passes a live client connection (its descriptor, as
 * SCM_RIGHTS ancillary data, with the bytes already read) to a node's handoff socket and reads
 * the node's answer ({@link HandoffCodec}). Connections to each node's socket are kept and
 * reused while they are good.
 *
 * <p>Ownership: the caller keeps owning the client channel whatever the answer: once the node
 * adopted the connection the caller closes its own copy at once (the node's copy stays open;
 * closing one descriptor of a socket passed to another process does not end the connection),
 * otherwise it serves the client another way.
 *
 * <p>Threading: thread-safe; {@link #handOff} blocks the calling thread for one round trip to
 * the node (at most {@code timeout} waiting for the answer).
 */
public final class HandoffSender implements AutoCloseable {
    private final int timeoutMs;
    private final Map<Path, Queue<AFUNIXSocket>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public HandoffSender(Duration timeout) {
        this.timeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /**
     * Hands {@code client} off to the node listening on {@code socket}.
     *
     * @param alreadyRead what was read from the client so far (≤ {@value HandoffCodec#MAX_PREFIX_BYTES} bytes)
     * @return the node's answer (adopted, or refused with why)
     * @throws IOException when the node's socket cannot be reached or the node did not answer in time
     *                     (then whether it adopted the connection is unknown only if the request was sent)
     */
    public HandoffReply handOff(Path socket, String token, String processName, long epoch, SocketChannel client,
                                byte[] alreadyRead) throws IOException {
        if (closed) {
            throw ErrorCode.UNAVAILABLE.exception("handoff sender closed");
        }
        SocketDescriptors.Found found = SocketDescriptors.find(client);
        byte[] message = HandoffCodec.encode(new HandoffRequest(token, processName, epoch, found.ipv6(),
                (InetSocketAddress) client.getRemoteAddress(), alreadyRead));
        Queue<AFUNIXSocket> pool = idle.computeIfAbsent(socket, p -> new ConcurrentLinkedQueue<>());
        AFUNIXSocket conn = pool.poll();
        boolean fresh = conn == null;
        if (fresh) {
            conn = connect(socket);
        }
        try {
            if (!send(conn, found, message)) {
                // A kept connection the node had closed (it restarted): nothing was sent; once more on a new one.
                close(conn);
                conn = connect(socket);
                fresh = true;
                if (!send(conn, found, message)) {
                    throw new IOException("handoff socket " + socket + " closed the connection");
                }
            }
            HandoffReply reply = HandoffCodec.readReply(conn.getInputStream());
            if (reply.adopted() || keepsConnection(reply.error())) {
                if (!closed) {
                    pool.add(conn);
                    conn = null;
                }
            }
            return reply;
        } finally {
            if (conn != null) {
                close(conn);
            }
        }
    }

    private AFUNIXSocket connect(Path socket) throws IOException {
        AFUNIXSocket conn = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socket.toFile()));
        conn.setSoTimeout(timeoutMs);
        return conn;
    }

    /** One write with the descriptor attached; false when the peer had already closed. */
    private static boolean send(AFUNIXSocket conn, SocketDescriptors.Found found, byte[] message) throws IOException {
        try {
            conn.setOutboundFileDescriptors(found.fd());
            OutputStream out = conn.getOutputStream();
            out.write(message);
            out.flush();
            return true;
        } catch (java.net.SocketException e) {
            return false;
        }
    }

    /** Refusals after which the node keeps reading the connection (the request was well-formed). */
    private static boolean keepsConnection(ErrorCode code) {
        return code == ErrorCode.NOT_FOUND || code == ErrorCode.STALE_EPOCH || code == ErrorCode.NOT_SUPPORTED
                || code == ErrorCode.UNAVAILABLE;
    }

    private static void close(AFUNIXSocket conn) {
        try {
            conn.close();
        } catch (IOException ignored) {
            // Nothing was pending on it.
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Queue<AFUNIXSocket> q : idle.values()) {
            AFUNIXSocket s;
            while ((s = q.poll()) != null) {
                close(s);
            }
        }
    }
}
