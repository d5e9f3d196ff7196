package dev.caravan.wire.net;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.CloseAll;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.FrameReader;
import dev.caravan.wire.FrameWriter;
import dev.caravan.wire.security.Identity;
import dev.caravan.wire.security.Role;
import dev.caravan.wire.security.TransportSecurity;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A binary Caravan port: one platform thread accepts, one virtual thread per connection reads
 * frames and hands them to a {@link FrameHandler}. A connection-limit permit is taken before
 * {@code accept} and released on every path out of the connection.
 *
 * <p>Bad input: a malformed, oversized or wrong-version frame gets an {@link Frame#error} reply
 * and the connection is closed (the byte stream is out of step); a handler that throws a
 * {@link CaravanException} gets an error reply and the connection stays open; other clients
 * are never affected. An unexpected exception is logged at ERROR and answered with
 * {@link ErrorCode#INTERNAL}.
 *
 * <p>Silence: the HELLO must arrive within the server's hello timeout (default
 * {@link #DEFAULT_HELLO_TIMEOUT}), counted from {@code accept}; otherwise a watchdog closes
 * the connection, which releases its permit. A client that connects and says nothing cannot
 * hold a permit for longer than that.
 *
 * <p>Slow frames: after the HELLO, time <em>between</em> frames is unlimited (long-lived links and
 * watches are idle), but once a frame's first byte has arrived the whole frame must arrive
 * within the frame timeout (default {@link #DEFAULT_FRAME_TIMEOUT}); otherwise the connection is
 * closed with one INFO line. A peer dribbling a frame a byte at a time holds its permit no
 * longer than that. On a TLS port the clock starts at the first byte of decrypted frame data
 * (a TLS record dribbled before it is not timed).
 *
 * <p><b>Transport.</b> The constructors without a {@link TransportSecurity} serve
 * <em>plaintext</em> (never the environment: a daemon passes its own explicitly). On a mutual-TLS
 * port ({@link TransportSecurity#isTls()}):
 * <ul>
 *   <li>the TLS 1.3 handshake runs within the same hello deadline as the HELLO (a client that
 *       stalls mid-handshake holds its permit no longer than a silent one);</li>
 *   <li>the connection's {@link FrameConnection#identity()} is the one the client certificate
 *       proves ({@link TransportSecurity#peerIdentity}); the HELLO is still required and gives
 *       the peer name, and its cluster token is <em>ignored</em> (the certificate authenticates);</li>
 *   <li>a client whose first byte is not a TLS handshake record (a plaintext client) gets its
 *       HELLO answered, in plaintext, with {@link ErrorCode#UNAUTHENTICATED} "... expects TLS: set
 *       CARAVAN_TLS=DIR", and is closed;</li>
 *   <li>a failed handshake (unknown CA, expired or missing client certificate, a certificate with
 *       no Caravan identity) closes the connection; it is logged at INFO in one line (at most one
 *       line per {@value #REFUSAL_LOG_INTERVAL_MS} ms, counting the others) and never reaches the
 *       handler.</li>
 * </ul>
 */
public final class FrameServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FrameServer.class.getName());
    /** How long a new connection may take to send its HELLO unless the server is told otherwise. */
    public static final Duration DEFAULT_HELLO_TIMEOUT = Duration.ofSeconds(5);
    /** How long a frame may take from its first byte to its last unless the server is told otherwise. */
    public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(30);
    /** At most one line about refused TLS handshakes per this many ms. */
    public static final long REFUSAL_LOG_INTERVAL_MS = 10_000;
    private static final int TLS_HANDSHAKE_RECORD = 0x16;

    private final String name;
    private final FrameHandler handler;
    private final String token;
    private final int maxFrameBytes;
    private final Semaphore connectionPermits;
    private final long helloTimeoutMs;
    private final long frameTimeoutMs;
    private final ScheduledThreadPoolExecutor helloWatchdog;
    private final ServerSocket serverSocket;
    private final Thread acceptor;
    private final Set<FrameConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionIds = new AtomicLong();
    private final TransportSecurity security;
    /** System.nanoTime() of the last refusal logged (monotonic: a wall-clock step must not silence or flood the log). */
    private final AtomicLong lastRefusalLogNs = new AtomicLong(Long.MIN_VALUE / 2);
    private final AtomicLong refusalsNotLogged = new AtomicLong();
    private volatile boolean closed;

    /**
     * Binds and starts accepting.
     *
     * @param name           for logs and the accept thread's name
     * @param bind           address to bind; port 0 picks a free port
     * @param token          cluster token required in HELLO; empty admits anyone
     * @param maxConnections connections served at once; further ones wait in the backlog
     * @param maxFrameBytes  largest frame accepted
     */
    public FrameServer(String name, InetSocketAddress bind, FrameHandler handler, String token,
                       int maxConnections, int maxFrameBytes) throws IOException {
        this(name, bind, handler, token, maxConnections, maxFrameBytes, DEFAULT_HELLO_TIMEOUT);
    }

    /**
     * Binds and starts accepting, with a chosen hello timeout.
     *
     * @param helloTimeout how long a new connection may take to complete its HELLO (1 ms .. 10 min)
     */
    public FrameServer(String name, InetSocketAddress bind, FrameHandler handler, String token,
                       int maxConnections, int maxFrameBytes, Duration helloTimeout) throws IOException {
        this(name, bind, handler, token, maxConnections, maxFrameBytes, helloTimeout, TransportSecurity.plaintext());
    }

    /**
     * Binds and starts accepting over {@code security}: plaintext, or mutual TLS (see the class
     * comment for what changes on a TLS port).
     */
    public FrameServer(String name, InetSocketAddress bind, FrameHandler handler, String token,
                       int maxConnections, int maxFrameBytes, Duration helloTimeout,
                       TransportSecurity security) throws IOException {
        this(name, bind, handler, token, maxConnections, maxFrameBytes, helloTimeout, DEFAULT_FRAME_TIMEOUT, security);
    }

    /**
     * Binds and starts accepting over {@code security}, with a chosen frame timeout.
     *
     * @param frameTimeout how long one frame may take from its first byte to its last, after the
     *                     HELLO (1 ms .. 10 min); idle time between frames is not limited
     */
    public FrameServer(String name, InetSocketAddress bind, FrameHandler handler, String token,
                       int maxConnections, int maxFrameBytes, Duration helloTimeout, Duration frameTimeout,
                       TransportSecurity security) throws IOException {
        this.security = java.util.Objects.requireNonNull(security, "security");
        if (maxConnections < 1 || maxFrameBytes < Frame.HEADER_AFTER_LENGTH) {
            throw ErrorCode.INVALID_ARGUMENT.exception("maxConnections and maxFrameBytes must be positive");
        }
        if (helloTimeout.toMillis() < 1 || helloTimeout.toMinutes() > 10) {
            throw ErrorCode.INVALID_ARGUMENT.exception("hello timeout must be 1 ms .. 10 min, got " + helloTimeout);
        }
        if (frameTimeout.toMillis() < 1 || frameTimeout.toMinutes() > 10) {
            throw ErrorCode.INVALID_ARGUMENT.exception("frame timeout must be 1 ms .. 10 min, got " + frameTimeout);
        }
        this.frameTimeoutMs = frameTimeout.toMillis();
        this.name = name;
        this.handler = handler;
        this.token = token;
        this.maxFrameBytes = maxFrameBytes;
        this.connectionPermits = new Semaphore(maxConnections);
        this.helloTimeoutMs = helloTimeout.toMillis();
        this.helloWatchdog = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name(name + "-hello-watchdog").daemon(true).factory());
        helloWatchdog.setRemoveOnCancelPolicy(true);
        // Plain even for TLS: the first byte tells a TLS client from a plaintext one (see secure).
        this.serverSocket = new ServerSocket();
        try {
            serverSocket.setReuseAddress(true);
            serverSocket.bind(bind, 512);
        } catch (IOException | RuntimeException e) {
            CloseAll all = new CloseAll();
            all.run(serverSocket::close);
            all.run(helloWatchdog::shutdownNow);
            if (all.failure() != null) {
                e.addSuppressed(all.failure());
            }
            throw e;
        }
        this.acceptor = Thread.ofPlatform().name(name + "-accept").daemon(true).start(this::acceptLoop);
    }

    /** The bound address (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                connectionPermits.acquire();
            } catch (InterruptedException e) {
                return;
            }
            Socket s;
            try {
                s = serverSocket.accept();
            } catch (IOException e) {
                connectionPermits.release();
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, name + ": accept failed: " + e);
                }
                continue;
            }
            try {
                Thread.ofVirtual().name(name + "-conn").start(() -> serve(s));
            } catch (RuntimeException | Error e) {
                connectionPermits.release();
                closeQuietly(s);
                throw e;
            }
        }
    }

    /** The transport this port serves. */
    public TransportSecurity security() {
        return security;
    }

    private void serve(Socket plain) {
        FrameConnection c = null;
        ScheduledFuture<?> helloDeadline = null;
        Socket socket = plain;
        try {
            helloDeadline = helloWatchdog.schedule(() -> onHelloTimeout(plain), helloTimeoutMs, TimeUnit.MILLISECONDS);
            plain.setTcpNoDelay(true);
            Identity certified = null;
            if (security.isTls()) {
                SSLSocket tls = secure(plain);
                if (tls == null) {
                    return;
                }
                socket = tls;
                certified = TransportSecurity.peerIdentity(tls);
            }
            FrameDeadlineInput timed = new FrameDeadlineInput(socket, socket.getInputStream(), frameTimeoutMs);
            BufferedInputStream in = new BufferedInputStream(timed, 64 * 1024);
            FrameReader reader = new FrameReader(in, maxFrameBytes, handler::maxBodyBytes);
            FrameWriter writer = new FrameWriter(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
            c = new FrameConnection(connectionIds.incrementAndGet(), socket, writer);
            connections.add(c);
            if (closed) {
                return;
            }
            if (!handshake(c, reader, helloDeadline, certified)) {
                return;
            }
            while (!closed) {
                if (!awaitFrameStart(in)) {
                    return;
                }
                timed.start();
                Frame request;
                try {
                    request = reader.read();
                    timed.finish();
                } catch (dev.caravan.wire.FrameRefusedException e) {
                    timed.finish();
                    // Refused by its header, its body skipped: the stream is in step and the connection serves on.
                    if (!c.send(Frame.error(e.requestId(), e))) {
                        return;
                    }
                    continue;
                } catch (CaravanException e) {
                    c.send(Frame.error(0, e));
                    LOG.log(System.Logger.Level.INFO, name + ": closing " + c.remoteAddress() + " after bad frame: " + e);
                    return;
                }
                if (request == null) {
                    return;
                }
                Frame reply = dispatch(c, request);
                if (reply != null && !c.send(reply)) {
                    return;
                }
            }
        } catch (FrameDeadlineInput.FrameTimeoutException e) {
            LOG.log(System.Logger.Level.INFO, name + ": closing " + socket.getRemoteSocketAddress() + " (peer "
                    + (c == null ? "?" : c.peerName()) + "): a frame was not complete within " + frameTimeoutMs
                    + " ms of its first byte");
        } catch (EOFException | SocketException e) {
            // The peer went away mid-frame or reset; nothing to answer.
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, name + ": connection I/O failed: " + e);
        } finally {
            if (helloDeadline != null) {
                helloDeadline.cancel(false);
            }
            if (c != null) {
                connections.remove(c);
                try {
                    handler.onClose(c);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, name + ": onClose failed", e);
                }
            }
            closeQuietly(socket);
            connectionPermits.release();
        }
    }

    /**
     * Waits, without a time limit, until the next frame's first byte is here (or already
     * buffered); false at end of stream.
     */
    private static boolean awaitFrameStart(BufferedInputStream in) throws IOException {
        if (in.available() > 0) {
            return true;
        }
        in.mark(1);
        int first = in.read();
        if (first < 0) {
            return false;
        }
        in.reset();
        return true;
    }

    /**
     * Tells a TLS client from a plaintext one by its first byte and completes the TLS handshake
     * within the hello deadline; null when the connection is refused (and already answered or
     * logged).
     */
    private SSLSocket secure(Socket plain) throws IOException {
        plain.setSoTimeout((int) Math.min(Integer.MAX_VALUE, helloTimeoutMs));
        InputStream in = plain.getInputStream();
        int first = in.read();
        if (first < 0) {
            return null;
        }
        if (first != TLS_HANDSHAKE_RECORD) {
            refusePlaintext(plain, new SequenceInputStream(new ByteArrayInputStream(new byte[]{(byte) first}), in));
            return null;
        }
        SSLSocket tls = security.serverSocketOver(plain, new byte[]{(byte) first});
        try {
            tls.startHandshake();
            TransportSecurity.peerIdentity(tls);
        } catch (SSLException e) {
            logRefusal(plain, "TLS handshake failed: " + e.getMessage());
            return null;
        } catch (CaravanException e) {
            logRefusal(plain, e.getMessage());
            return null;
        }
        plain.setSoTimeout(0);
        return tls;
    }

    /** Answers a plaintext client's HELLO with what to do, in plaintext, so its user reads one clear line. */
    private void refusePlaintext(Socket plain, InputStream in) throws IOException {
        logRefusal(plain, "plaintext client on a TLS port");
        long requestId = 0;
        try {
            Frame hello = new FrameReader(in, Math.min(maxFrameBytes, 64 * 1024)).read();
            requestId = hello == null ? 0 : hello.requestId();
        } catch (CaravanException e) {
            // Not even a frame: answer with request id 0.
        }
        FrameWriter w = new FrameWriter(new BufferedOutputStream(plain.getOutputStream(), 1024));
        w.write(Frame.error(requestId, ErrorCode.UNAUTHENTICATED, name + " on port " + port()
                + " expects TLS: set " + TransportSecurity.ENV + "=DIR (an identity directory from 'caravan certs issue')"));
    }

    private void logRefusal(Socket plain, String why) {
        long now = System.nanoTime();
        long last = lastRefusalLogNs.get();
        if (now - last >= REFUSAL_LOG_INTERVAL_MS * 1_000_000L && lastRefusalLogNs.compareAndSet(last, now)) {
            long others = refusalsNotLogged.getAndSet(0);
            LOG.log(System.Logger.Level.INFO, name + ": refused " + plain.getRemoteSocketAddress() + ": " + why
                    + (others > 0 ? " (and " + others + " other refusals since the last line)" : ""));
        } else {
            refusalsNotLogged.incrementAndGet();
        }
    }

    private void onHelloTimeout(Socket socket) {
        LOG.log(System.Logger.Level.INFO, name + ": closing " + socket.getRemoteSocketAddress() + ": no HELLO within "
                + helloTimeoutMs + " ms");
        closeQuietly(socket);
    }

    /** Reads and checks the HELLO; the deadline is cancelled before it is answered, or the connection has timed out. */
    private boolean handshake(FrameConnection c, FrameReader reader, ScheduledFuture<?> deadline, Identity certified)
            throws IOException {
        Frame first;
        try {
            first = reader.read();
        } catch (CaravanException e) {
            c.send(Frame.error(0, e));
            return false;
        }
        if (first == null) {
            return false;
        }
        try {
            Hello hello = Hello.from(first);
            // A client certificate, when there is one, is the identity; else the handler's tokens, else the cluster token.
            Identity byHandler = certified != null ? certified : handler.authenticate(hello);
            if (byHandler == null && !hello.admits(token)) {
                c.send(Frame.error(first.requestId(), ErrorCode.UNAUTHENTICATED, "wrong cluster token (set "
                        + Hello.TOKEN_ENV + ")"));
                return false;
            }
            c.peerName(hello.peerName());
            c.identity(byHandler != null ? byHandler
                    : token == null || token.isEmpty() ? Identity.development(hello.peerName())
                    : new Identity("cluster-token", Role.NODE, Identity.NO_SLICE, "token"));
            if (!deadline.cancel(false)) {
                // The watchdog fired (or is closing the socket) first: the client must not be told it is admitted.
                return false;
            }
            return c.send(Frame.ok(first.requestId(), new byte[0]));
        } catch (CaravanException e) {
            c.send(Frame.error(first.requestId(), e));
            return false;
        }
    }

    private Frame dispatch(FrameConnection c, Frame request) {
        try {
            handler.authorize(c, request);
            return handler.onFrame(c, request);
        } catch (CaravanException e) {
            return Frame.error(request.requestId(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Frame.error(request.requestId(), ErrorCode.UNAVAILABLE, name + " is shutting down");
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, name + ": handler failed on " + dev.caravan.wire.Op.name(request.type()), e);
            return Frame.error(request.requestId(), ErrorCode.INTERNAL, e.toString());
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Already broken; closing is best effort.
        }
    }

    /**
     * Stops accepting and closes every connection and the watchdog. Every step runs even when
     * an earlier one fails; the first failure is thrown with the others suppressed. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CloseAll all = new CloseAll();
        all.run(serverSocket::close);
        all.run(acceptor::interrupt);
        for (FrameConnection c : connections) {
            all.run(c::close);
        }
        all.run(helloWatchdog::shutdownNow);
        all.run(() -> {
            if (!acceptor.join(Duration.ofSeconds(2))) {
                throw new IllegalStateException(name + ": accept thread did not end within 2 s");
            }
        });
        all.throwIfFailed(name + ": closing");
    }
}
