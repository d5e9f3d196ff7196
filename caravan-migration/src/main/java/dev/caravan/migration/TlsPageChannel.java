package dev.caravan.migration;

import dev.caravan.wire.security.Identity;
import dev.caravan.wire.security.Role;
import dev.caravan.wire.security.TransportSecurity;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.cert.X509Certificate;

/**
 * A migration page stream carried over TLS 1.3: an {@link SSLEngine} from the node's
 * {@link TransportSecurity} driven over the stream's {@link SocketChannel}. The bytes inside are
 * exactly the plaintext page stream ({@link PageStreamReceiver} draws it); both ends prove a
 * certificate of role {@code node} from the cluster's CA, and the sender also checks the
 * receiver's certificate names the host it dialled.
 *
 * <p>Copies: {@link #write} encrypts straight from the gathered page buffers (the process's
 * off-heap memory) into a buffer of up to {@value #RECORDS_PER_WRITE} TLS records, written with
 * one system call; {@link #read} decrypts into the caller's page buffers directly whenever they
 * have room for a whole record, else through a record-sized buffer. Records carry 16 KiB of
 * plaintext (the TLS 1.3 maximum), four 4 KiB pages.
 *
 * <p>Blocking: on a blocking channel (the receiver) reads and writes block. On a non-blocking
 * channel (the sender) {@link #write} and {@link #handshake} wait through the given
 * {@link Waiter} (which enforces the stall deadline) and {@link #read} returns 0 when no whole
 * record has arrived. Threading: one thread at a time; {@link #close} closes the socket from any
 * thread.
 */
final class TlsPageChannel implements ScatteringByteChannel, GatheringByteChannel {
    /** How a non-blocking caller waits for its channel to be ready for {@code op} (a {@link SelectionKey} op). */
    interface Waiter {
        void await(int op) throws IOException;
    }

    static final int RECORDS_PER_WRITE = 8;
    /** The suite page streams prefer (see {@link #preferAes128}). */
    static final String PAGE_STREAM_SUITE = "TLS_AES_128_GCM_SHA256";
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final Waiter waiter;
    private final int packetBytes;
    /** Encrypted bytes not yet written; kept flipped (ready to drain) between calls. */
    private final ByteBuffer netOut;
    /** Encrypted bytes read, not yet decrypted; kept in fill mode between calls. */
    private final ByteBuffer netIn;
    /** Decrypted bytes not yet delivered; kept in fill mode between calls. */
    private final ByteBuffer appIn;
    private Identity peer;

    private TlsPageChannel(SocketChannel channel, SSLEngine engine, Waiter waiter) {
        this.channel = channel;
        this.engine = preferAes128(engine);
        this.waiter = waiter;
        this.packetBytes = engine.getSession().getPacketBufferSize();
        this.netOut = ByteBuffer.allocate(packetBytes * RECORDS_PER_WRITE).flip();
        this.netIn = ByteBuffer.allocate(packetBytes * 2);
        this.appIn = ByteBuffer.allocateDirect(engine.getSession().getApplicationBufferSize());
    }

    /**
     * The sender's end: handshakes as the TLS client toward {@code host}, then checks the
     * receiver is a node.
     *
     * @throws IOException when the handshake fails (foreign CA, wrong host name) or the peer is not a node
     */
    static TlsPageChannel client(TransportSecurity security, SocketChannel channel, String host, int port, Waiter waiter)
            throws IOException {
        TlsPageChannel c = new TlsPageChannel(channel, security.newEngine(true, host, port), waiter);
        c.handshake();
        return c;
    }

    /** The receiver's end: handshakes as the TLS server (client certificate required), then checks the sender is a node. */
    static TlsPageChannel server(TransportSecurity security, SocketChannel channel) throws IOException {
        TlsPageChannel c = new TlsPageChannel(channel, security.newEngine(false, null, 0), op -> {
            throw new IllegalStateException("a blocking page stream never waits");
        });
        c.handshake();
        return c;
    }

    /**
     * Puts {@value #PAGE_STREAM_SUITE} first, both ends honouring the order: a page stream is
     * bulk data whose bandwidth is CPU-bound, and AES-128 does 10 rounds where AES-256 does 14.
     * The other TLS 1.3 suites stay enabled after it.
     */
    private static SSLEngine preferAes128(SSLEngine engine) {
        java.util.List<String> suites = new java.util.ArrayList<>(java.util.List.of(engine.getEnabledCipherSuites()));
        if (suites.remove(PAGE_STREAM_SUITE)) {
            suites.addFirst(PAGE_STREAM_SUITE);
        }
        javax.net.ssl.SSLParameters p = engine.getSSLParameters();
        p.setCipherSuites(suites.toArray(String[]::new));
        p.setUseCipherSuitesOrder(true);
        engine.setSSLParameters(p);
        return engine;
    }


    /** The identity the peer proved with its certificate (role {@code node}). */
    Identity peer() {
        return peer;
    }

    private void handshake() throws IOException {
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    flushFully();
                    netOut.clear();
                    SSLEngineResult r = engine.wrap(EMPTY, netOut);
                    netOut.flip();
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        flushFully();
                        throw new SSLException("peer closed the page stream during the TLS handshake");
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    flushFully();
                    netIn.flip();
                    SSLEngineResult r = engine.unwrap(netIn, appIn);
                    netIn.compact();
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        fill();
                    } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("peer closed the page stream during the TLS handshake");
                    }
                }
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    flushFully();
                    checkPeer();
                    return;
                }
            }
        }
    }

    private void checkPeer() throws IOException {
        Identity id;
        try {
            id = TransportSecurity.identityOf((X509Certificate) engine.getSession().getPeerCertificates()[0], "certificate");
        } catch (dev.caravan.wire.CaravanException e) {
            throw new SSLException("page stream peer refused: " + e.getMessage());
        }
        if (id.role() != Role.NODE) {
            throw new SSLException("page stream peer " + id.name() + " refused: role " + id.role().name().toLowerCase(
                    java.util.Locale.ROOT) + ", a page stream needs a node certificate");
        }
        peer = id;
    }

    /** Reads more encrypted bytes into {@link #netIn}; EOF is an error (mid-handshake or mid-record). */
    private void fill() throws IOException {
        if (!netIn.hasRemaining()) {
            throw new SSLException("TLS record larger than " + netIn.capacity() + " bytes");
        }
        int n;
        while ((n = channel.read(netIn)) == 0) {
            waiter.await(SelectionKey.OP_READ);
        }
        if (n < 0) {
            throw new EOFException("page stream ended during the TLS handshake");
        }
    }

    /** Writes every byte of every buffer (the caller's page stream records), encrypted. */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        while (remaining(srcs, offset, length) > 0) {
            flushFully();
            netOut.clear();
            // Several records per system call: wrap until the next record might not fit.
            while (netOut.remaining() >= packetBytes) {
                SSLEngineResult r = engine.wrap(srcs, offset, length, netOut);
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    netOut.flip();
                    throw new SSLException("page stream TLS wrap: " + r.getStatus());
                }
                total += r.bytesConsumed();
                if (r.bytesConsumed() == 0) {
                    break;
                }
            }
            netOut.flip();
        }
        flushFully();
        return total;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    private void flushFully() throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                waiter.await(SelectionKey.OP_WRITE);
            }
        }
    }

    /**
     * Reads decrypted bytes into {@code dsts}: at least one unless the stream ended (-1) or, on a
     * non-blocking channel, no whole record is here yet (0).
     */
    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        if (appIn.position() > 0) {
            return deliver(dsts, offset, length);
        }
        while (true) {
            if (netIn.position() > 0) {
                netIn.flip();
                boolean direct = remaining(dsts, offset, length) >= appIn.capacity();
                SSLEngineResult r = direct ? engine.unwrap(netIn, dsts, offset, length) : engine.unwrap(netIn, appIn);
                netIn.compact();
                switch (r.getStatus()) {
                    case OK -> {
                        if (r.bytesProduced() > 0) {
                            return direct ? r.bytesProduced() : deliver(dsts, offset, length);
                        }
                        continue; // a post-handshake message (a session ticket): nothing for the caller
                    }
                    case CLOSED -> {
                        return -1;
                    }
                    case BUFFER_OVERFLOW -> throw new SSLException("page stream TLS record larger than "
                            + appIn.capacity() + " bytes");
                    case BUFFER_UNDERFLOW -> {
                        // a partial record: read more below
                    }
                }
            }
            if (!netIn.hasRemaining()) {
                throw new SSLException("TLS record larger than " + netIn.capacity() + " bytes");
            }
            int n = channel.read(netIn);
            if (n < 0) {
                if (netIn.position() > 0) {
                    throw new EOFException("page stream ended mid TLS record");
                }
                return -1;
            }
            if (n == 0) {
                return 0;
            }
        }
    }

    private long deliver(ByteBuffer[] dsts, int offset, int length) {
        appIn.flip();
        long moved = 0;
        for (int i = offset; i < offset + length && appIn.hasRemaining(); i++) {
            ByteBuffer d = dsts[i];
            int k = Math.min(d.remaining(), appIn.remaining());
            if (k > 0) {
                d.put(d.position(), appIn, appIn.position(), k);
                d.position(d.position() + k);
                appIn.position(appIn.position() + k);
                moved += k;
            }
        }
        appIn.compact();
        return moved;
    }

    @Override
    public long read(ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, dsts.length);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return (int) read(new ByteBuffer[] {dst}, 0, 1);
    }

    private static long remaining(ByteBuffer[] buffers, int offset, int length) {
        long r = 0;
        for (int i = offset; i < offset + length; i++) {
            r += buffers[i].remaining();
        }
        return r;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Closes the socket without a TLS close_notify: a page stream ends by its protocol (acks), not by TLS. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
