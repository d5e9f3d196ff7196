package dev.caravan.migration;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.security.TransportSecurity;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;

/**
 * Sends pages over the raw page stream of a migration ({@link PageStreamReceiver} draws the
 * format): gathering writes straight from the process's off-heap memory to the socket, no heap
 * copy, no per-batch acknowledgement — one at the end of each round. Used by one migration
 * thread; reads pages while the process may write them (the dirty bits catch that).
 *
 * <p>Deadline: the stream fails with {@code TIMEOUT} when it makes no progress — no byte
 * written, no acknowledgement read — for {@code stallMs} (a frozen or overloaded receiver);
 * {@link #close} from another thread (cancel) fails it at once with {@code UNAVAILABLE}.
 *
 * <p>Over TLS ({@link TlsPageChannel}) the same bytes are encrypted; the plaintext path is the
 * code above unchanged (one null check per write).
 */
final class PageStreamSender implements AutoCloseable {
    private final SocketChannel channel;
    /** The TLS layer over {@link #channel}, or null on a plaintext stream (whose path is untouched). */
    private final TlsPageChannel tls;
    private final PagedMemory memory;
    private final Clock clock;
    private final ByteBuffer header;
    private final ByteBuffer[] gather;
    private final ByteBuffer ack = ByteBuffer.allocate(1);
    private final Selector selector;
    private final long stallMs;
    private volatile boolean closed;
    private long pagesSent;
    private long bytesSent;
    private double bandwidthBytesPerSec;

    PageStreamSender(InetSocketAddress at, long nonce, PagedMemory memory, Clock clock, long stallMs) throws IOException {
        this(at, nonce, memory, clock, stallMs, TransportSecurity.plaintext());
    }

    /**
     * @param security the node's transport: with TLS the stream handshakes (within the stall
     *                 deadline) and refuses a receiver that is not a node of the same CA
     */
    PageStreamSender(InetSocketAddress at, long nonce, PagedMemory memory, Clock clock, long stallMs,
                     TransportSecurity security) throws IOException {
        this.memory = memory;
        this.clock = clock;
        this.stallMs = stallMs;
        this.channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            channel.socket().connect(at, (int) Math.min(Integer.MAX_VALUE, stallMs));
            channel.configureBlocking(false);
            selector = Selector.open();
            tls = security.isTls() ? TlsPageChannel.client(security, channel, at.getHostString(), at.getPort(), this::await) : null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        header = ByteBuffer.allocateDirect(4 + PageStreamReceiver.MAX_BATCH * 8).order(ByteOrder.BIG_ENDIAN);
        gather = new ByteBuffer[1 + PageStreamReceiver.MAX_BATCH];
        ByteBuffer hello = ByteBuffer.allocate(8).putLong(nonce).flip();
        writeFully(new ByteBuffer[] {hello}, 1);
    }

    /** Sends the pages set in {@code pages} (unless {@code skip}), then waits for the receiver's end-of-round ack. */
    long send(long[] pages, LongPredicate skip, LongConsumer progress) {
        long start = clock.nanoTime();
        long lastProgress = start;
        long sent = 0;
        long[] batch = new long[PageStreamReceiver.MAX_BATCH];
        int n = 0;
        try {
            for (int w = 0; w < pages.length; w++) {
                long word = pages[w];
                while (word != 0) {
                    long page = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                    word &= word - 1;
                    if (skip.test(page)) {
                        continue;
                    }
                    batch[n++] = page;
                    if (n == batch.length) {
                        writeBatch(batch, n);
                        sent += n;
                        n = 0;
                        long now = clock.nanoTime();
                        if (now - lastProgress > 100_000_000L) {
                            lastProgress = now;
                            progress.accept(sent);
                        }
                    }
                }
            }
            if (n > 0) {
                writeBatch(batch, n);
                sent += n;
            }
            endRound();
        } catch (java.net.SocketTimeoutException e) {
            throw ErrorCode.TIMEOUT.exception("page stream stalled: the destination took nothing for " + stallMs + " ms");
        } catch (IOException e) {
            throw ErrorCode.UNAVAILABLE.exception(closed ? "page stream closed (cancelled or failed)"
                    : "page stream broke: " + e.getMessage());
        }
        long elapsed = Math.max(1, clock.nanoTime() - start);
        if (sent > 0) {
            bandwidthBytesPerSec = sent * (double) memory.pageSizeBytes() * 1e9 / elapsed;
        }
        progress.accept(sent);
        return sent;
    }

    private void writeBatch(long[] batch, int n) throws IOException {
        header.clear();
        header.putInt(n);
        for (int i = 0; i < n; i++) {
            header.putLong(batch[i]);
        }
        header.flip();
        gather[0] = header;
        for (int i = 0; i < n; i++) {
            gather[1 + i] = memory.pageBuffer(batch[i]);
        }
        long bytes = header.remaining() + (long) n * memory.pageSizeBytes();
        writeFully(gather, 1 + n);
        pagesSent += n;
        bytesSent += bytes;
    }

    private void endRound() throws IOException {
        ByteBuffer end = ByteBuffer.allocate(4).putInt(PageStreamReceiver.END_OF_ROUND).flip();
        writeFully(new ByteBuffer[] {end}, 1);
        ack.clear();
        while (ack.hasRemaining()) {
            int n = tls == null ? channel.read(ack) : tls.read(ack);
            if (n < 0) {
                throw new IOException("receiver closed the page stream before acknowledging the round");
            }
            if (n == 0) {
                await(SelectionKey.OP_READ);
            }
        }
        if (ack.get(0) != PageStreamReceiver.ACK) {
            throw new IOException("receiver refused the round (code " + ack.get(0) + ")");
        }
    }

    private void writeFully(ByteBuffer[] buffers, int count) throws IOException {
        if (tls != null) {
            tls.write(buffers, 0, count);
            return;
        }
        int first = 0;
        while (first < count) {
            if (channel.write(buffers, first, count - first) == 0) {
                await(SelectionKey.OP_WRITE);
            }
            while (first < count && !buffers[first].hasRemaining()) {
                first++;
            }
        }
    }

    /** Waits until the channel is ready for {@code op}; no readiness within the stall deadline is a timeout. */
    private void await(int op) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        try {
            SelectionKey key = channel.register(selector, op);
            try {
                if (selector.select(stallMs) == 0) {
                    if (closed) {
                        throw new IOException("closed");
                    }
                    throw new java.net.SocketTimeoutException("no progress for " + stallMs + " ms");
                }
            } finally {
                key.interestOps(0);
                selector.selectedKeys().clear();
            }
        } catch (java.nio.channels.ClosedSelectorException | java.nio.channels.CancelledKeyException e) {
            // close() from another thread (a cancel) while this one waited: the stream is closed, not broken code.
            throw new IOException("closed", e);
        }
    }

    long pagesSent() {
        return pagesSent;
    }

    long bytesSent() {
        return bytesSent;
    }

    double bandwidthBytesPerSec() {
        return bandwidthBytesPerSec;
    }

    /** Breaks the stream (fault injection, or giving up). */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closed either way.
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // Closed either way.
        }
    }
}
