package dev.caravan.migration;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.wire.security.TransportSecurity;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.security.SecureRandom;

/**
 * The destination's end of a migration's raw page stream: one TCP connection, opened at
 * MIG_BEGIN (port and a nonce in the reply), that carries the pre-copy rounds' pages straight
 * into the arriving process's off-heap memory.
 *
 * <pre>
 * stream := i64 nonce, round*
 * round  := batch*, i32 -1                      → receiver answers one byte 0x06 (ack)
 * batch  := i32 n (1..{@value #MAX_BATCH}), n × i64 page, n × page bytes
 * </pre>
 *
 * Anything else — a wrong nonce, a count out of range, a page outside the memory — closes the
 * stream; the source then fails the migration before commit and keeps the process. Threading:
 * one virtual thread accepts and reads; it writes only the arriving process's memory, which
 * nothing else touches until commit.
 *
 * <p>When the node's transport is TLS the same stream runs inside TLS 1.3 ({@link TlsPageChannel}):
 * the sender must prove a {@code node} certificate from the cluster's CA before the nonce is read;
 * any other peer is logged and the stream closed.
 */
final class PageStreamReceiver implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PageStreamReceiver.class.getName());
    /**
     * How long a connection to a TLS page stream may take to complete its handshake (as a binary
     * port's HELLO, {@link dev.caravan.wire.net.FrameServer#DEFAULT_HELLO_TIMEOUT}): a peer that
     * sends a partial record, or plaintext that reads as a long SSLv2 header, is cut off then
     * instead of holding the arrival until its idle deadline.
     */
    static final long TLS_HANDSHAKE_TIMEOUT_MS = dev.caravan.wire.net.FrameServer.DEFAULT_HELLO_TIMEOUT.toMillis();
    static final int MAX_BATCH = 256;
    static final int END_OF_ROUND = -1;
    static final byte ACK = 0x06;

    private final ServerSocketChannel server;
    private final TransportSecurity security;
    private final PagedMemory memory;
    private final String name;
    private final java.util.function.Consumer<String> onProgress;
    private final long nonce = new SecureRandom().nextLong();
    private final Thread reader;
    private volatile SocketChannel channel;
    private volatile boolean closed;

    /** @param onProgress told (with the process name) after every batch and round, for the arrival's idle deadline */
    PageStreamReceiver(String bindHost, PagedMemory memory, String name, java.util.function.Consumer<String> onProgress)
            throws IOException {
        this(bindHost, memory, name, onProgress, TransportSecurity.plaintext());
    }

    /**
     * @param security the node's transport: with TLS the stream is served only after a TLS 1.3
     *                 handshake in which the sender proved a {@code node} certificate of the same CA
     */
    PageStreamReceiver(String bindHost, PagedMemory memory, String name, java.util.function.Consumer<String> onProgress,
                       TransportSecurity security) throws IOException {
        this.security = security;
        this.memory = memory;
        this.name = name;
        this.onProgress = onProgress;
        this.server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(bindHost, 0), 1);
        // A platform thread: reading a gigabyte into memory is long work that would pin a carrier.
        this.reader = Thread.ofPlatform().daemon(true).name("pages-in-" + name).start(this::run);
    }

    int port() {
        return server.socket().getLocalPort();
    }

    long nonce() {
        return nonce;
    }

    /** The reader thread (its CPU time is what {@link PageStreamBench} reports for the receiving side). */
    Thread reader() {
        return reader;
    }

    private void run() {
        try {
            SocketChannel c = server.accept();
            channel = c;
            // One connection per migration: stop listening at once.
            closeServer();
            c.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            TlsPageChannel t = null;
            if (security.isTls()) {
                java.util.concurrent.atomic.AtomicBoolean handshaken = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.CompletableFuture.delayedExecutor(TLS_HANDSHAKE_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
                        .execute(() -> {
                            if (!handshaken.get()) {
                                try {
                                    c.close(); // the blocked handshake read fails with AsynchronousCloseException
                                } catch (IOException ignored) {
                                    // Closing is all that was wanted.
                                }
                            }
                        });
                try {
                    t = TlsPageChannel.server(security, c);
                    handshaken.set(true);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "page stream of " + name + " refused: " + (!c.isOpen()
                            ? "no TLS handshake within " + TLS_HANDSHAKE_TIMEOUT_MS + " ms"
                            : e.getMessage() == null ? e.toString() : e.getMessage()));
                    return;
                }
            }
            ScatteringByteChannel in = t == null ? c : t;
            WritableByteChannel out = t == null ? c : t;
            ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
            readFully(in, head);
            if (head.getLong(0) != nonce) {
                LOG.log(System.Logger.Level.WARNING, "page stream refused: wrong nonce");
                return;
            }
            ByteBuffer count = ByteBuffer.allocate(4);
            ByteBuffer pages = ByteBuffer.allocateDirect(MAX_BATCH * 8);
            ByteBuffer[] targets = new ByteBuffer[MAX_BATCH];
            long pageCapacity = memory.pageCapacity();
            while (!closed) {
                count.clear();
                if (!readFully(in, count)) {
                    return;
                }
                int n = count.getInt(0);
                if (n == END_OF_ROUND) {
                    out.write(ByteBuffer.wrap(new byte[] {ACK}));
                    onProgress.accept(name);
                    continue;
                }
                if (n < 1 || n > MAX_BATCH) {
                    LOG.log(System.Logger.Level.WARNING, "page stream refused: batch of " + n + " pages");
                    return;
                }
                pages.clear().limit(n * 8);
                readFully(in, pages);
                if (isWholeFreshChunk(pages, n)) {
                    // A round's batch is often one whole chunk not yet allocated here: read it into a pooled
                    // chunk without zeroing it first (every byte is overwritten).
                    int chunk = (int) (pages.getLong(0) / PagedMemory.PAGES_PER_CHUNK);
                    memory.installChunk(chunk, b -> {
                        while (b.hasRemaining()) {
                            if (in.read(b) < 0) {
                                throw new java.io.EOFException("page stream ended mid-chunk");
                            }
                        }
                    });
                    onProgress.accept(name);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    long page = pages.getLong(i * 8);
                    if (page < 0 || page >= pageCapacity) {
                        LOG.log(System.Logger.Level.WARNING, "page stream refused: page " + page + " outside the memory");
                        return;
                    }
                    targets[i] = memory.pageBuffer(page);
                }
                // One scattering read fills many pages in place: a system call per batch, not per page.
                int first = 0;
                while (first < n) {
                    if (in.read(targets, first, n - first) < 0) {
                        throw new java.io.EOFException("page stream ended mid-batch");
                    }
                    while (first < n && !targets[first].hasRemaining()) {
                        first++;
                    }
                }
                onProgress.accept(name);
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.DEBUG, "page stream ended: " + e);
            }
        } finally {
            close();
        }
    }

    /** Whether the batch is the 256 pages of one chunk, in order, that this memory has not allocated yet. */
    private boolean isWholeFreshChunk(ByteBuffer pages, int n) {
        if (n != PagedMemory.PAGES_PER_CHUNK) {
            return false;
        }
        long first = pages.getLong(0);
        if (first < 0 || first % PagedMemory.PAGES_PER_CHUNK != 0 || first + n > memory.pageCapacity()) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            if (pages.getLong(i * 8) != first + i) {
                return false;
            }
        }
        return !memory.isAllocated(first);
    }

    /** Fills {@code b}; false at a clean end of stream before the first byte. */
    private static boolean readFully(ReadableByteChannel c, ByteBuffer b) throws IOException {
        boolean any = false;
        while (b.hasRemaining()) {
            int n = c.read(b);
            if (n < 0) {
                if (any) {
                    throw new java.io.EOFException("page stream ended mid-record");
                }
                return false;
            }
            any |= n > 0;
        }
        return true;
    }

    private void closeServer() {
        try {
            server.close();
        } catch (IOException ignored) {
            // Closed either way.
        }
    }

    /**
     * Stops the stream without waiting for its reader: at a commit every round has been
     * acknowledged, so the reader is idle and the memory stays with the process.
     */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
            SocketChannel c = channel;
            if (c != null) {
                c.close();
            }
        } catch (IOException ignored) {
            // Closed either way.
        }
    }

    /**
     * Stops the stream and, unless called by the reader itself, waits for the reader to exit, so
     * that no page is written into the memory after this returns: the memory may be discarded and
     * its chunks handed to another process right after.
     */
    void closeAndAwait() {
        close();
        if (reader != null && Thread.currentThread() != reader) {
            try {
                if (!reader.join(java.time.Duration.ofSeconds(10))) {
                    LOG.log(System.Logger.Level.WARNING, "page stream reader of " + name + " did not stop within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
