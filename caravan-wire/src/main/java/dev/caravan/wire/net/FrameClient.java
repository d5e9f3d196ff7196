package dev.caravan.wire.net;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.FrameReader;
import dev.caravan.wire.FrameWriter;
import dev.caravan.wire.Op;
import dev.caravan.wire.security.TransportSecurity;

import javax.net.ssl.SSLException;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One multiplexed connection to a binary Caravan port. Thread-safe: any number of threads
 * may {@link #call} at once; a virtual reader thread matches replies to requests by id and
 * hands {@link Op#EVENT} frames to the event listener (on the reader thread, so the listener
 * must not block).
 *
 * <p>When the connection breaks every pending call fails with {@link ErrorCode#UNAVAILABLE}
 * and later calls fail at once; the owner reconnects by making a new client.
 *
 * <p><b>Transport.</b> The {@code connect} overloads without a {@link TransportSecurity} dial
 * <em>plaintext</em> (never the environment: callers pass the process's transport explicitly,
 * e.g. {@code TransportSecurity.fromEnvironment()} in the CLI). Over mutual TLS the handshake
 * completes within the handshake timeout, before the HELLO; the server's certificate must come
 * from the cluster CA and name the host dialled. Mismatches fail in one line:
 * a plaintext port answers a TLS client with "HOST:PORT is plaintext ...", a TLS port answers a
 * plaintext client with "... expects TLS: set CARAVAN_TLS=DIR", and a refused certificate is
 * {@link ErrorCode#UNAUTHENTICATED}.
 */
public final class FrameClient implements AutoCloseable {
    private final Socket socket;
    private final FrameWriter writer;
    private final FrameReader reader;
    private final Map<Long, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Consumer<Frame> eventListener;
    private final Duration timeout;
    private final String target;
    private volatile Throwable broken;

    private FrameClient(Socket socket, Consumer<Frame> eventListener, Duration timeout, int maxFrameBytes)
            throws IOException {
        this.socket = socket;
        this.target = String.valueOf(socket.getRemoteSocketAddress());
        this.writer = new FrameWriter(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
        this.reader = new FrameReader(new BufferedInputStream(socket.getInputStream(), 64 * 1024), maxFrameBytes);
        this.eventListener = eventListener;
        this.timeout = timeout;
        // A platform thread: the replies a node's lease renewal waits for must be read even when
        // long CPU-bound work (memory being faulted in, a busy page stream) holds every carrier of
        // the virtual-thread scheduler; a client has few connections, so this costs little.
        Thread.ofPlatform().daemon(true).name("frame-client-reader").start(this::readLoop);
    }

    /**
     * Connects and performs the HELLO handshake.
     *
     * @throws CaravanException {@link ErrorCode#UNAVAILABLE} when the port cannot be reached,
     *                          {@link ErrorCode#UNAUTHENTICATED} when the token is refused
     */
    public static FrameClient connect(InetSocketAddress address, Hello hello, Duration timeout,
                                      Consumer<Frame> eventListener) {
        return connect(address, hello, timeout, timeout, eventListener);
    }

    /**
     * Connects and performs the HELLO handshake within {@code handshakeTimeout}; later calls
     * wait up to {@code timeout}. A short handshake timeout tells an unresponsive peer (a paused
     * process still accepts TCP connections in its kernel) from a slow request.
     *
     * @throws CaravanException {@link ErrorCode#UNAVAILABLE} when the port cannot be reached,
     *                          {@link ErrorCode#TIMEOUT} when it does not answer the HELLO in time,
     *                          {@link ErrorCode#UNAUTHENTICATED} when the token is refused
     */
    public static FrameClient connect(InetSocketAddress address, Hello hello, Duration handshakeTimeout, Duration timeout,
                                      Consumer<Frame> eventListener) {
        return connect(address, hello, handshakeTimeout, timeout, eventListener, TransportSecurity.plaintext());
    }

    /** Connects over {@code security} with no event listener. */
    public static FrameClient connect(InetSocketAddress address, Hello hello, Duration timeout, TransportSecurity security) {
        return connect(address, hello, timeout, timeout, f -> { }, security);
    }

    /** Connects over {@code security}; the handshake and later calls share {@code timeout}. */
    public static FrameClient connect(InetSocketAddress address, Hello hello, Duration timeout,
                                      Consumer<Frame> eventListener, TransportSecurity security) {
        return connect(address, hello, timeout, timeout, eventListener, security);
    }

    /**
     * Connects over {@code security} (plaintext or mutual TLS), completing the TLS handshake and
     * the HELLO within {@code handshakeTimeout}.
     *
     * @throws CaravanException {@link ErrorCode#UNAVAILABLE} when the port cannot be reached,
     *                          {@link ErrorCode#TIMEOUT} when it does not answer in time,
     *                          {@link ErrorCode#UNAUTHENTICATED} when the token or a certificate is
     *                          refused or the transports do not match (plaintext against TLS)
     */
    public static FrameClient connect(InetSocketAddress address, Hello hello, Duration handshakeTimeout, Duration timeout,
                                      Consumer<Frame> eventListener, TransportSecurity security) {
        Socket s;
        try {
            s = security.newClientSocket();
        } catch (IOException e) {
            throw new CaravanException(ErrorCode.UNAVAILABLE, "cannot make a socket: " + e.getMessage(), e);
        }
        String where = address.getHostString() + ":" + address.getPort();
        try {
            s.setTcpNoDelay(true);
            int handshakeMs = (int) Math.min(Integer.MAX_VALUE, handshakeTimeout.toMillis());
            s.connect(address, handshakeMs);
            if (security.isTls()) {
                s.setSoTimeout(handshakeMs);
                try {
                    security.handshake(s);
                } catch (SSLException e) {
                    throw tlsRefusal(where, e, security);
                }
                s.setSoTimeout(0);
            }
            FrameClient c = new FrameClient(s, eventListener, timeout, Frame.DEFAULT_MAX_FRAME_BYTES);
            try {
                c.call(Op.HELLO, hello.toFrame(0).body(), handshakeTimeout).expectOk();
            } catch (CaravanException e) {
                // TLS 1.3: the server checks our certificate after our side of the handshake is done.
                if (security.isTls() && e.getCause() instanceof SSLException ssl) {
                    String m = withoutJdkNames(String.valueOf(ssl.getMessage()));
                    throw new CaravanException(ErrorCode.UNAUTHENTICATED, where + " refused our certificate ("
                            + security.directory() + "): " + (m.contains("certificate_unknown")
                            ? "it is not issued by that cluster's CA, or it has expired (see 'caravan certs ls')" : m), ssl);
                }
                throw e;
            }
            return c;
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Nothing more to release.
            }
            throw new CaravanException(ErrorCode.UNAVAILABLE, "cannot reach " + address.getHostString() + ":" + address.getPort()
                    + ": " + e.getMessage(), e);
        } catch (CaravanException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Nothing more to release.
            }
            throw e;
        }
    }

    private static CaravanException tlsRefusal(String where, SSLException e, TransportSecurity security) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext")) {
            return new CaravanException(ErrorCode.UNAUTHENTICATED, where + " is plaintext: unset "
                    + TransportSecurity.ENV + " (or start that daemon with --tls DIR)", e);
        }
        if (m.contains("PKIX")) {
            return new CaravanException(ErrorCode.UNAUTHENTICATED, where + " presented a certificate we do not trust: its"
                    + " certificate is not issued by this cluster's CA (" + security.directory().resolve("ca.crt")
                    + "); set " + TransportSecurity.ENV + " to an identity of the cluster you reach", e);
        }
        if (m.contains("No subject alternative") || m.contains("No name matching")) {
            return new CaravanException(ErrorCode.UNAUTHENTICATED, where + " presented a certificate we do not trust: it does not"
                    + " name the address dialled; reissue it with 'caravan certs issue NAME --dns HOST --ip ADDRESS' ("
                    + withoutJdkNames(m) + ")", e);
        }
        return new CaravanException(ErrorCode.UNAUTHENTICATED, "TLS handshake with " + where + " failed: " + withoutJdkNames(m), e);
    }

    /** {@code m} without the JDK's class names ("sun.security.validator.ValidatorException: "), which mean nothing to users. */
    static String withoutJdkNames(String m) {
        return m.replaceAll("(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ?", "").strip();
    }

    /** Connects with no event listener. */
    public static FrameClient connect(InetSocketAddress address, Hello hello, Duration timeout) {
        return connect(address, hello, timeout, f -> { });
    }

    private void readLoop() {
        try {
            while (true) {
                Frame f = reader.read();
                if (f == null) {
                    fail(new IOException("connection closed by " + target));
                    return;
                }
                if (f.type() == Op.EVENT) {
                    eventListener.accept(f);
                    continue;
                }
                CompletableFuture<Frame> waiter = pending.remove(f.requestId());
                if (waiter != null) {
                    waiter.complete(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void fail(Throwable cause) {
        broken = cause;
        for (Long id : pending.keySet()) {
            CompletableFuture<Frame> w = pending.remove(id);
            if (w != null) {
                w.completeExceptionally(cause);
            }
        }
        close();
    }

    /** Sends a request and waits for its reply (OK or ERROR frame) within the default timeout. */
    public Frame call(Frame request) {
        return call(request.type(), request.body(), timeout);
    }

    /** Sends {@code type}+{@code body} and returns the reply's body reader, throwing an ERROR reply. */
    public dev.caravan.wire.BodyReader request(int type, byte[] body) {
        return call(type, body, timeout).expectOk();
    }

    /** Sends a request and waits up to {@code wait} for its reply frame. */
    public Frame call(int type, byte[] body, Duration wait) {
        long id = ids.incrementAndGet();
        CompletableFuture<Frame> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            if (broken != null) {
                throw new IOException("connection to " + target + " is broken: " + broken.getMessage());
            }
            writer.write(new Frame(type, id, body));
            return reply.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (IOException e) {
            throw new CaravanException(ErrorCode.UNAVAILABLE, "lost connection to " + target + ": " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new CaravanException(ErrorCode.UNAVAILABLE, "lost connection to " + target + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw ErrorCode.TIMEOUT.exception("no reply from " + target + " to " + Op.name(type) + " within " + wait.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ErrorCode.UNAVAILABLE.exception("interrupted while waiting for " + target);
        } finally {
            pending.remove(id);
        }
    }

    /**
     * Sends a request without waiting: the future completes with the reply frame (OK or ERROR)
     * or exceptionally with a {@link CaravanException} when the connection breaks. For streaming
     * with a window of outstanding requests.
     */
    public CompletableFuture<Frame> callAsync(int type, byte[] body) {
        long id = ids.incrementAndGet();
        CompletableFuture<Frame> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            if (broken != null) {
                throw new IOException("connection to " + target + " is broken: " + broken.getMessage());
            }
            writer.write(new Frame(type, id, body));
        } catch (IOException e) {
            pending.remove(id);
            reply.completeExceptionally(new CaravanException(ErrorCode.UNAVAILABLE, "lost connection to " + target
                    + ": " + e.getMessage(), e));
        }
        return reply.whenComplete((f, t) -> pending.remove(id));
    }

    public boolean isOpen() {
        return broken == null && !socket.isClosed();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing more to release.
        }
    }
}
