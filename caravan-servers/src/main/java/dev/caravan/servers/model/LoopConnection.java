package dev.caravan.servers.model;

import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.Connection;
import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.servers.protocol.Protocol;
import dev.caravan.wire.CaravanException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * One connection of an event loop, as an explicit finite-state machine (the chapter's FSM
 * server): the loop never blocks on it.
 *
 * <pre>
 *            readable: decode ≥1 request            handled inline / worker done
 *  READING ───────────────────────────► HANDLING ─────────────────────────────► WRITING
 *     ▲                                                                            │
 *     └──────────── all replies written (more buffered requests → HANDLING) ◄──────┘
 *  bad input, peer close, closeAfter reply ──► CLOSING (write what is pending, then close)
 * </pre>
 *
 * <p>Threading: owned by its {@link SelectorLoop}'s thread. In dispatcher/worker mode the
 * HANDLING state runs on a worker, which touches only the batch, the codec and the out-buffer
 * and then posts {@link #onHandled} back to the loop; the queue hand-offs order the accesses.
 * {@link #close()} (the {@link Connection} view, any thread) is handed to the loop too. The
 * codec hears of the end ({@link Codec#onClosed}) once, on the loop thread, after a batch in
 * a worker's hands has come back.
 */
final class LoopConnection<Q, R> implements Connection {
    private static final System.Logger LOG = System.getLogger(LoopConnection.class.getName());

    private final SelectorLoop loop;
    private final SocketChannel ch;
    private final Protocol<Q, R> protocol;
    private final Codec<Q, R> codec;
    private final Executor offload;
    private final ConnectionTracker tracker;
    private final OutBuffer out = new OutBuffer(4 * 1024);
    private final List<Q> batch = new ArrayList<>();
    private final List<R> replies = new ArrayList<>();
    private ByteBuffer in = ByteBuffer.allocate(4 * 1024).flip();
    private SelectionKey key;
    private boolean handling;
    private boolean closing;
    private boolean eof;
    private boolean closed;
    private boolean closeNotified;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;

    LoopConnection(SelectorLoop loop, SocketChannel ch, Protocol<Q, R> protocol, Executor offload, ConnectionTracker tracker) {
        this.loop = loop;
        this.ch = ch;
        this.protocol = protocol;
        this.offload = offload;
        this.tracker = tracker;
        this.remote = BlockingConnection.address(ch, true);
        this.local = BlockingConnection.address(ch, false);
        this.codec = protocol.newCodec(this);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public void close() {
        loop.execute(() -> close(null));
    }

    void attach(SelectionKey k) {
        key = k;
    }

    /** Readable: read what there is, then decode and handle. */
    void onReadable() {
        try {
            in = RequestBatcher.makeRoom(in, codec.maxBufferedBytes());
            int n = ch.read(in);
            in.flip();
            if (n < 0) {
                eof = true;
            }
            process();
        } catch (CaravanException e) {
            fail(e);
        } catch (IOException | RuntimeException e) {
            close(e);
        }
    }

    /** Writable: drain pending replies; then go on with buffered requests. */
    void onWritable() {
        try {
            if (!out.drainTo(ch)) {
                return;
            }
            if (closing) {
                close(null);
                return;
            }
            process();
        } catch (IOException | RuntimeException e) {
            close(e);
        }
    }

    /** Decodes buffered requests and handles them, until input runs out or a reply blocks. */
    private void process() throws IOException {
        while (!handling && !closing) {
            CaravanException bad = null;
            batch.clear();
            try {
                RequestBatcher.decodeAvailable(codec, in, batch);
            } catch (CaravanException e) {
                bad = e;
            }
            if (batch.isEmpty()) {
                if (bad != null) {
                    fail(bad);
                } else if (eof) {
                    close(null);
                } else {
                    key.interestOps(SelectionKey.OP_READ);
                }
                return;
            }
            handling = true;
            CaravanException pendingError = bad;
            if (offload == null) {
                // Handled inline on the loop thread: the selector is not consulted before this
                // batch is done, so interest stays OP_READ (no interest-set churn per request).
                handle(pendingError);
                if (!onHandled()) {
                    return;
                }
            } else {
                key.interestOps(0);
                offload.execute(() -> {
                    handle(pendingError);
                    loop.execute(this::onHandled);
                });
                return;
            }
        }
    }

    /** HANDLING: on the loop thread, or on a worker in dispatcher/worker mode. */
    private void handle(CaravanException pendingError) {
        replies.clear();
        try {
            protocol.handle(codec, batch, replies);
            for (int i = 0; i < replies.size(); i++) {
                codec.encode(replies.get(i), out);
                if (codec.closeAfter(batch.get(i), replies.get(i))) {
                    closing = true;
                    return;
                }
            }
            if (pendingError != null) {
                codec.encodeError(pendingError, out);
                closing = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, protocol.name() + " handler failed; connection closed", e);
            closing = true;
        }
    }

    /**
     * Back on the loop thread after HANDLING: write the replies.
     *
     * @return true when everything was written and decoding may continue
     */
    private boolean onHandled() {
        handling = false;
        if (closed || !ch.isOpen()) {
            close(null);
            return false;
        }
        try {
            if (!out.drainTo(ch)) {
                key.interestOps(SelectionKey.OP_WRITE);
                return false;
            }
            if (closing) {
                close(null);
                return false;
            }
            if (offload != null) {
                process();
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            close(e);
            return false;
        }
    }

    /** Bad input: answer with the protocol's error, then close once it is written. */
    private void fail(CaravanException e) {
        closing = true;
        codec.encodeError(e, out);
        try {
            if (out.drainTo(ch)) {
                close(null);
            } else {
                key.interestOps(SelectionKey.OP_WRITE);
            }
        } catch (IOException io) {
            close(io);
        }
    }

    /** Ends the connection (once); the codec hears of it now, or when a worker's batch comes back. */
    void close(Exception cause) {
        if (!closed) {
            closed = true;
            if (cause != null) {
                LOG.log(System.Logger.Level.DEBUG, "connection closed: " + cause);
            }
            if (key != null) {
                key.cancel();
            }
            tracker.remove(ch);
        }
        if (!handling) {
            notifyClosed();
        }
    }

    /** The loop is ending (server closing, or the loop died): close, and tell the codec even if a worker still has a batch. */
    void closeAtLoopEnd() {
        close(null);
        notifyClosed();
    }

    private void notifyClosed() {
        if (closeNotified) {
            return;
        }
        closeNotified = true;
        try {
            codec.onClosed();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, protocol.name() + " close handler failed", e);
        }
    }
}
