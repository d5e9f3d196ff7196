package dev.caravan.servers.model;

import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.Connection;
import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.servers.protocol.Protocol;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection served with blocking I/O by the calling thread, until the peer closes, bad
 * input arrives or the server closes: read, decode every pipelined request, run the batch
 * through an {@link Invoker}, write the replies. Used by the iterative, thread-per-request and
 * virtual-thread models.
 */
final class BlockingConnection<Q, R> implements Connection {
    private static final System.Logger LOG = System.getLogger(BlockingConnection.class.getName());

    /** Runs a batch: on the calling thread, or on a thread of its own. */
    interface Invoker {
        void invoke(Batch batch) throws InterruptedException;
    }

    /** A batch ready to handle. */
    interface Batch {
        void run() throws InterruptedException;
    }

    static final Invoker DIRECT = Batch::run;

    private final SocketChannel ch;
    private final Protocol<Q, R> protocol;
    private final Codec<Q, R> codec;
    private final Invoker invoker;
    private final OutBuffer out = new OutBuffer(16 * 1024);
    private ByteBuffer in = ByteBuffer.allocate(RequestBatcher.INITIAL_READ_BYTES).flip();

    private final InetSocketAddress remote;
    private final InetSocketAddress local;

    private BlockingConnection(SocketChannel ch, Protocol<Q, R> protocol, Invoker invoker) {
        this.ch = ch;
        this.protocol = protocol;
        this.invoker = invoker;
        this.remote = address(ch, true);
        this.local = address(ch, false);
        this.codec = protocol.newCodec(this);
    }

    /**
     * Serves {@code ch} on the calling thread; always closes it, releases its slot and, once
     * its codec exists, tells the codec it closed.
     */
    static <Q, R> void serve(SocketChannel ch, Protocol<Q, R> protocol, Invoker invoker, ConnectionTracker tracker) {
        serve(ch, protocol, invoker, tracker, null);
    }

    /**
     * {@link #serve(SocketChannel, Protocol, Invoker, ConnectionTracker)} for a connection whose
     * first bytes were read before it came here (a handoff): {@code alreadyRead} (owned from now
     * on; null for none) is decoded before the first read.
     */
    static <Q, R> void serve(SocketChannel ch, Protocol<Q, R> protocol, Invoker invoker, ConnectionTracker tracker,
                             ByteBuffer alreadyRead) {
        BlockingConnection<Q, R> connection = null;
        try {
            ch.configureBlocking(true);
            ch.socket().setTcpNoDelay(true);
            connection = new BlockingConnection<>(ch, protocol, invoker);
            if (alreadyRead != null && alreadyRead.hasRemaining()) {
                connection.in = alreadyRead;
            }
            connection.loop();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "connection ended: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, protocol.name() + " handler failed; connection closed", e);
        } finally {
            tracker.remove(ch);
            if (connection != null) {
                connection.onClosed();
            }
        }
    }

    /** Tells the codec the connection ended, then gives back what it holds: a half-read request, replies not yet written. */
    private void onClosed() {
        try {
            codec.onClosed();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, protocol.name() + " close handler failed", e);
        } finally {
            try {
                codec.close();
            } finally {
                out.clear();
            }
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    /** Closing the channel wakes the serving thread's blocked read, which then ends the connection. */
    @Override
    public void close() {
        ConnectionTracker.closeQuietly(ch);
    }

    static InetSocketAddress address(SocketChannel ch, boolean remote) {
        try {
            return (InetSocketAddress) (remote ? ch.getRemoteAddress() : ch.getLocalAddress());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void loop() throws IOException, InterruptedException {
        List<Q> batch = new ArrayList<>();
        List<R> replies = new ArrayList<>();
        while (true) {
            batch.clear();
            replies.clear();
            CaravanException bad = null;
            try {
                RequestBatcher.decodeAvailable(codec, in, batch);
                if (batch.isEmpty()) {
                    in = RequestBatcher.makeRoom(in, codec.maxBufferedBytes());
                    int n = ch.read(in);
                    in.flip();
                    // A blocking read with room returns at least one byte or -1; 0 is treated as the end
                    // too, so that a channel that cannot block never spins here.
                    if (n <= 0) {
                        return;
                    }
                    continue;
                }
            } catch (CaravanException e) {
                bad = e;
            }
            boolean close = false;
            if (!batch.isEmpty()) {
                invoker.invoke(() -> protocol.handle(codec, batch, replies));
                for (int i = 0; i < replies.size(); i++) {
                    codec.encode(replies.get(i), out);
                    if (codec.closeAfter(batch.get(i), replies.get(i))) {
                        close = true;
                        replies.subList(i + 1, replies.size()).forEach(codec::discard);
                        break;
                    }
                }
            }
            if (bad != null && !close) {
                codec.encodeError(bad, out);
                close = true;
            }
            out.drainTo(ch);
            if (close) {
                return;
            }
        }
    }

    static CaravanException unavailable(String what) {
        return ErrorCode.UNAVAILABLE.exception(what);
    }
}
