package dev.caravan.wire.resp;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;

/**
 * The forwarder's end of one {@link SessionLink} connection to a data endpoint: opens it with
 * the hello, then carries one exchange at a time (a client's batch, or a closed session).
 *
 * <p>Pooling contract: a connection may go back to a pool only when its last exchange
 * returned normally (a complete, well-framed reply). Every {@link IOException} — a broken
 * socket, an end of stream, or a reply that is not a well-formed frame — leaves it in an
 * unknown state: close it. {@link #looksOpen} lets a pool drop a connection the data endpoint
 * closed while it sat idle (the endpoint stopped, or its process moved and the old endpoint
 * closed) without sending a batch into it.
 *
 * <p>Big values: a command's off-heap arguments are streamed to the socket from their chunks
 * (the command keeps its references); a bulk reply over {@link RespLimits#offHeapBulkBytes}
 * (1 MiB) is read into off-heap memory, a {@link Reply.OffHeapBulk} the caller releases
 * ({@link Reply#release}) once written or dropped. Neither is copied onto the heap whole.
 *
 * <p>Threading: not thread-safe; one exchange at a time, as a pool hands it out.
 */
public final class SessionLinkConnection implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 5000;
    /** Idle connections younger than this are not probed: a peer close that recent is unlikely. */
    private static final long PROBE_AFTER_IDLE_NS = 200_000_000L;

    /** The plaintext link's channel; null over TLS. */
    private final SocketChannel channel;
    /** The TLS link's socket; null in plaintext. */
    private final java.net.Socket tls;
    private final RespCommandWriter out;
    private final RespReplyReader in;
    private final InetSocketAddress target;
    private final java.util.function.LongSupplier nanoClock;
    private long lastUsedNs;

    private SessionLinkConnection(SocketChannel channel, InetSocketAddress target, java.util.function.LongSupplier nanoClock) {
        this.channel = channel;
        this.tls = null;
        this.target = target;
        this.nanoClock = nanoClock;
        this.lastUsedNs = nanoClock.getAsLong();
        this.out = new RespCommandWriter(new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024));
        this.in = new RespReplyReader(Channels.newInputStream(channel), RespLimits.DEFAULTS);
    }

    private SessionLinkConnection(java.net.Socket tls, InetSocketAddress target, java.util.function.LongSupplier nanoClock)
            throws IOException {
        this.channel = null;
        this.tls = tls;
        this.target = target;
        this.nanoClock = nanoClock;
        this.lastUsedNs = nanoClock.getAsLong();
        // One TLS record per flush of up to 16 KiB: the buffer matches the record size.
        this.out = new RespCommandWriter(new BufferedOutputStream(tls.getOutputStream(), 16 * 1024));
        this.in = new RespReplyReader(tls.getInputStream(), RespLimits.DEFAULTS);
    }

    /**
     * As {@link #open(InetSocketAddress, String, java.util.function.LongSupplier)} over mutual TLS:
     * connects to a data endpoint's RESP-over-TLS port ({@link RespTlsFront}, naming's
     * {@code tls-port}) with {@code security}'s identity, checks the server's certificate names
     * the host dialled, then opens the link with {@code token} as in plaintext.
     *
     * @throws IOException              when it cannot be reached, the handshake fails, or the link is refused
     * @throws IllegalArgumentException when {@code security} is plaintext
     */
    public static SessionLinkConnection openTls(dev.caravan.wire.security.TransportSecurity security, InetSocketAddress tlsTarget,
                                                String token, java.util.function.LongSupplier nanoClock) throws IOException {
        if (!security.isTls()) {
            throw new IllegalArgumentException("a TLS session link needs a TLS identity");
        }
        java.net.Socket s = security.newClientSocket();
        try {
            s.setTcpNoDelay(true);
            s.connect(tlsTarget, CONNECT_TIMEOUT_MS);
            s.setSoTimeout(CONNECT_TIMEOUT_MS);
            ((javax.net.ssl.SSLSocket) s).startHandshake();
            s.setSoTimeout(0);
            SessionLinkConnection c = new SessionLinkConnection(s, tlsTarget, nanoClock);
            Reply r = c.exchange(SessionLink.hello(token));
            if (!Reply.OK.equals(r)) {
                throw new IOException("data endpoint " + tlsTarget + " refused the session link: " + r);
            }
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Whether this link runs over TLS. */
    public boolean isTls() {
        return tls != null;
    }

    /**
     * Connects to a data endpoint and opens the link with {@code token} (the cluster token,
     * "" for none).
     *
     * @throws IOException when it cannot be reached, or refuses the link (wrong token, or an
     *                     endpoint that does not speak it)
     */
    public static SessionLinkConnection open(InetSocketAddress target, String token) throws IOException {
        return open(target, token, System::nanoTime);
    }

    /** As {@link #open(InetSocketAddress, String)}, with the clock that times idleness ({@link #looksOpen}). */
    public static SessionLinkConnection open(InetSocketAddress target, String token, java.util.function.LongSupplier nanoClock)
            throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().connect(target, CONNECT_TIMEOUT_MS);
            SessionLinkConnection c = new SessionLinkConnection(ch, target, nanoClock);
            Reply r = c.exchange(SessionLink.hello(token));
            if (!Reply.OK.equals(r)) {
                throw new IOException("data endpoint " + target + " refused the session link: " + r);
            }
            return c;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public InetSocketAddress target() {
        return target;
    }

    /**
     * Sends one client batch and returns its replies, control kinds restored
     * ({@link Reply.Suppressed}, {@link Reply.Closing}).
     *
     * @throws NotSentException when writing failed: the batch's last byte never left this host, so
     *                          the data endpoint cannot have read the whole batch and did not run it
     * @throws IOException      on a broken connection or a reply that is not a well-formed frame
     *                          after the batch was written: it may or may not have run
     */
    public Reply[] batch(long sessionId, String addr, String laddr, Command[] commands) throws IOException {
        try {
            out.write(SessionLink.batchHeader(sessionId, addr, laddr, commands.length));
            for (Command c : commands) {
                out.write(c);
            }
            out.flush();
        } catch (IOException e) {
            throw new NotSentException("session link to " + target + " broke while a batch was written: " + e.getMessage(), e);
        }
        Reply framed = read();
        try {
            return SessionLink.unframe(framed, commands.length);
        } catch (CaravanException e) {
            Reply.release(framed);
            throw new IOException("session link to " + target + " out of step: " + e.getMessage(), e);
        }
    }

    /**
     * Tells the process that session {@code sessionId}'s client is gone.
     *
     * @return the endpoint's answer: {@code +OK}, or an error when it could not take the notice
     */
    public Reply closed(long sessionId) throws IOException {
        return exchange(SessionLink.closed(sessionId));
    }

    /**
     * Whether the connection can still be used, as far as can be told without sending: one
     * that sat idle for a while is probed with a non-blocking read, which sees a peer's close.
     */
    public boolean looksOpen() {
        if (tls != null ? tls.isClosed() : !channel.isOpen()) {
            return false;
        }
        if (nanoClock.getAsLong() - lastUsedNs < PROBE_AFTER_IDLE_NS) {
            return true;
        }
        if (in.hasBufferedInput()) {
            return false;
        }
        if (tls != null) {
            return tlsLooksOpen();
        }
        try {
            channel.configureBlocking(false);
            int n = channel.read(ByteBuffer.allocate(1));
            channel.configureBlocking(true);
            // -1: the peer closed it; > 0: bytes nobody asked for, the link is out of step.
            return n == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The TLS probe: a read bounded to 1 ms. A timeout is the expected answer (nothing to read, the
     * socket stays valid); end of stream (the peer's close_notify or FIN) or unasked bytes are not.
     */
    private boolean tlsLooksOpen() {
        try {
            tls.setSoTimeout(1);
            try {
                tls.getInputStream().read();
                return false;
            } catch (java.net.SocketTimeoutException e) {
                return true;
            } finally {
                tls.setSoTimeout(0);
            }
        } catch (IOException e) {
            return false;
        }
    }

    private Reply exchange(Command c) throws IOException {
        out.write(c);
        out.flush();
        return read();
    }

    private Reply read() throws IOException {
        Reply r;
        try {
            r = in.read();
        } catch (CaravanException e) {
            throw new IOException("session link to " + target + " sent bad RESP: " + e.getMessage(), e);
        }
        if (r == null) {
            throw new EOFException("session link to " + target + " closed mid-exchange");
        }
        lastUsedNs = nanoClock.getAsLong();
        return r;
    }

    /**
     * A batch (or notice) that provably did not run: writing it failed, so its last byte was never
     * handed to this host's TCP stack and the data endpoint, which runs a batch only once it has
     * read all of it, cannot have run it. Safe to send again on another connection.
     */
    public static final class NotSentException extends IOException {
        private static final long serialVersionUID = 1L;

        NotSentException(String message, IOException cause) {
            super(message, cause);
        }
    }

    /** Closes the connection; never throws. */
    @Override
    public void close() {
        try {
            if (tls != null) {
                tls.close();
                return;
            }
            channel.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }
}
