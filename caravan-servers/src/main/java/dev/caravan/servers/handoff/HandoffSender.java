package dev.caravan.servers.handoff;

import dev.caravan.wire.ErrorCode;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The switch's side of a TCP handoff: passes a live client connection (its descriptor, as
 * SCM_RIGHTS ancillary data, with the bytes already read) to a node's handoff socket and reads
 * the node's answer ({@link HandoffCodec}). Connections to each node's socket are kept and
 * reused while they are good; at most {@value #MAX_CONNECTIONS_PER_SOCKET} per socket are open
 * (in use or kept), fewer than a node serves at once, so that one switch never exhausts a node's
 * handoff socket (the node closes connections over its limit unanswered). A handoff that finds
 * every connection busy waits for one, at most the timeout.
 *
 * <p>Outcomes, and who owns the client afterwards:
 * <ul>
 *   <li>a reply: adopted — the node owns the client, the caller closes its own copy at once (the
 *       node's copy stays open; closing one descriptor of a socket passed to another process does
 *       not end the connection); refused — the node closed its copy, the caller serves the client;</li>
 *   <li>{@link HandoffUnansweredException}: the request was sent but no reply came (timeout, the
 *       node closed): the node may have adopted the client, so the caller must close its copy and
 *       must not serve the client itself;</li>
 *   <li>any other {@link IOException}: nothing was sent (socket unreachable, every connection
 *       busy, the node had closed a kept connection twice); the caller still owns the client.</li>
 * </ul>
 *
 * <p>Threading: thread-safe; {@link #handOff} blocks the calling thread for one round trip to the
 * node (at most the timeout waiting for a connection, then at most the timeout for the answer).
 * The Unix-socket I/O runs on platform threads of this sender, never on the caller's thread:
 * junixsocket 2.10 waits for a virtual thread's socket with a "naive poller" that runs one
 * blocking {@code poll} loop per waiting socket on {@code ForkJoinPool.commonPool()} (parallelism
 * = cores − 1: one thread on a 2-core host), so waits queue behind each other and behind idle
 * sockets; under load the answers came after the timeout, reported as a
 * {@code SocketTimeoutException} without a message ("…handoff.sock: null").
 */
public final class HandoffSender implements AutoCloseable {
    /** Connections to one node's socket at once; below the node's limit ({@code HandoffReceiver}: 64). */
    public static final int MAX_CONNECTIONS_PER_SOCKET = 32;

    private final int timeoutMs;
    private final Map<Path, NodeSocket> sockets = new ConcurrentHashMap<>();
    private final ExecutorService io = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().daemon(true).name("handoff-send-", 0).factory());
    private volatile boolean closed;

    /** The connections to one node's socket: permits for all of them, and those idle now. */
    private record NodeSocket(Semaphore permits, Queue<AFUNIXSocket> idle) {
    }

    public HandoffSender(Duration timeout) {
        this.timeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /**
     * Hands {@code client} off to the node listening on {@code socket}.
     *
     * @param alreadyRead what was read from the client so far (≤ {@value HandoffCodec#MAX_PREFIX_BYTES} bytes)
     * @return the node's answer (adopted, or refused with why)
     * @throws HandoffUnansweredException when the request was sent but not answered: the node may own the client now
     * @throws IOException                when nothing was sent (the caller still owns the client)
     */
    public HandoffReply handOff(Path socket, String token, String processName, long epoch, SocketChannel client,
                                byte[] alreadyRead) throws IOException {
        if (closed) {
            throw ErrorCode.UNAVAILABLE.exception("handoff sender closed");
        }
        SocketDescriptors.Found found = SocketDescriptors.find(client);
        byte[] message = HandoffCodec.encode(new HandoffRequest(token, processName, epoch, found.ipv6(),
                (InetSocketAddress) client.getRemoteAddress(), alreadyRead));
        NodeSocket node = sockets.computeIfAbsent(socket,
                p -> new NodeSocket(new Semaphore(MAX_CONNECTIONS_PER_SOCKET), new ConcurrentLinkedQueue<>()));
        try {
            if (!node.permits().tryAcquire(timeoutMs, TimeUnit.MILLISECONDS)) {
                throw new IOException(MAX_CONNECTIONS_PER_SOCKET + " handoffs to " + socket + " still in flight after "
                        + timeoutMs + " ms; nothing sent");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for a connection to " + socket + "; nothing sent");
        }
        Future<HandoffReply> roundTrip;
        try {
            roundTrip = io.submit(() -> {
                try {
                    return roundTrip(socket, node, found, message);
                } finally {
                    node.permits().release();
                }
            });
        } catch (RejectedExecutionException e) {
            node.permits().release();
            throw ErrorCode.UNAVAILABLE.exception("handoff sender closed");
        }
        try {
            return roundTrip.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new HandoffUnansweredException("handoff to " + socket + " failed: " + describe(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HandoffUnansweredException("interrupted waiting for " + socket + " to answer", e);
        }
    }

    /** On an I/O thread: one request and its reply on a kept or new connection. */
    private HandoffReply roundTrip(Path socket, NodeSocket node, SocketDescriptors.Found found, byte[] message)
            throws IOException {
        AFUNIXSocket conn = node.idle().poll();
        if (conn == null) {
            conn = connect(socket);
        }
        try {
            if (!send(conn, found, message)) {
                // A kept connection the node had closed (idle, or it restarted): nothing was sent; once more on a new one.
                close(conn);
                conn = connect(socket);
                if (!send(conn, found, message)) {
                    throw new IOException("handoff socket " + socket + " closed the connection; nothing sent");
                }
            }
            HandoffReply reply;
            try {
                reply = HandoffCodec.readReply(conn.getInputStream());
            } catch (java.net.SocketTimeoutException e) {
                throw new HandoffUnansweredException("no answer from " + socket + " within " + timeoutMs + " ms", e);
            } catch (IOException e) {
                throw new HandoffUnansweredException(socket + " ended the connection without answering: " + describe(e), e);
            }
            if ((reply.adopted() || keepsConnection(reply.error())) && !closed) {
                node.idle().add(conn);
                conn = null;
            }
            return reply;
        } finally {
            if (conn != null) {
                close(conn);
            }
        }
    }

    private AFUNIXSocket connect(Path socket) throws IOException {
        AFUNIXSocket conn = AFUNIXSocket.newInstance();
        try {
            conn.connect(AFUNIXSocketAddress.of(socket.toFile()), timeoutMs);
            conn.setSoTimeout(timeoutMs);
            return conn;
        } catch (IOException | RuntimeException e) {
            close(conn);
            throw e;
        }
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

    /** An exception's message for a log line; its class when it has no message (an EOF, a timeout). */
    public static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + m;
    }

    private static void close(AFUNIXSocket conn) {
        try {
            conn.close();
        } catch (IOException ignored) {
            // Nothing was pending on it.
        }
    }

    /** Closes the kept connections; handoffs in flight finish (each bounded by the timeout). */
    @Override
    public void close() {
        closed = true;
        io.shutdown();
        for (NodeSocket node : sockets.values()) {
            AFUNIXSocket s;
            while ((s = node.idle().poll()) != null) {
                close(s);
            }
        }
    }
}
