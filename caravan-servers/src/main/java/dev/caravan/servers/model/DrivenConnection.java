package dev.caravan.servers.model;

import dev.caravan.servers.protocol.AsyncProtocol;
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

/**
 * One connection of a {@link DrivenLoopServer}, as a finite-state machine that never blocks the
 * thread driving the loop. Like {@link LoopConnection}, but a batch may be answered later
 * ({@link AsyncProtocol}): the connection then waits, decoding nothing more, until its replies
 * come back through the loop; it still reads, so that a peer that goes away meanwhile is closed
 * at once.
 *
 * <pre>
 *            readable: decode ≥1 request          answered at once (the usual case)
 *  READING ─────────────────────────► HANDLING ───────────────────────────────────► WRITING
 *     ▲                                  │ answered later                              │
 *     │                                  ▼                                             │
 *     │                              AWAITING (buffers input) ────replies via loop──────┤
 *     └──────────── all replies written (more buffered requests → HANDLING) ◄──────────┘
 *  bad input, peer close, closeAfter reply ──► CLOSING (write what is pending, then close)
 * </pre>
 *
 * <p>Threading: only the thread driving the loop touches it; replies that arrive on another
 * thread are handed to the loop ({@link DrivenLoopServer#execute}) first, and so is
 * {@link #close()} (the {@link Connection} view, any thread). The codec hears of the end
 * ({@link Codec#onClosed}) once, on the loop's thread, at once even while a batch waits for its
 * answer (whose replies are then discarded, {@link Codec#discard}): a node's process is told
 * behind that batch. Then {@link Codec#close()} gives back a half-read request, and the
 * out-buffer the replies not yet written; a batch still out keeps its own requests until answered.
 */
final class DrivenConnection<Q, R> implements Connection {
    private static final System.Logger LOG = System.getLogger(DrivenConnection.class.getName());

    private final DrivenLoopServer loop;
    private final SocketChannel ch;
    private final Protocol<Q, R> protocol;
    private final Codec<Q, R> codec;
    private final ConnectionTracker tracker;
    private final OutBuffer out = new OutBuffer(4 * 1024);
    private final List<Q> batch = new ArrayList<>();
    private final List<R> syncReplies = new ArrayList<>();
    /**
     * Direct, so that a read lands in it without the JDK's copy through a temporary direct
     * buffer; one that must grow for a large request becomes a heap buffer.
     */
    private ByteBuffer in = ByteBuffer.allocateDirect(4 * 1024).flip();
    private SelectionKey key;
    /** A batch is out for answers (HANDLING or AWAITING). */
    private boolean handling;
    /** Inside {@link #process}: an answer that comes back at once is written by its loop. */
    private boolean processing;
    private boolean closing;
    private boolean closed;
    private boolean eof;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;

    DrivenConnection(DrivenLoopServer loop, SocketChannel ch, Protocol<Q, R> protocol, ConnectionTracker tracker) {
        this.loop = loop;
        this.ch = ch;
        this.protocol = protocol;
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

    /**
     * Bytes read from the connection before it was adopted (a handoff's first request): decoded
     * as if they had just been read, before anything read from the channel.
     */
    void onAlreadyRead(ByteBuffer bytes) {
        try {
            if (bytes.remaining() > in.capacity() - in.remaining()) {
                in = ByteBuffer.allocate(in.remaining() + bytes.remaining()).put(in).put(bytes).flip();
            } else {
                in.compact().put(bytes).flip();
            }
            process();
        } catch (CaravanException e) {
            fail(e);
        } catch (IOException | RuntimeException e) {
            close(e);
        }
    }

    /** Readable: read what there is, then decode and handle. */
    void onReadable() {
        if (handling) {
            onReadableWhileAwaiting();
            return;
        }
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

    /**
     * Readable while a batch waits for its answer (a frozen process, a blocking command): buffer
     * what arrives, without decoding it, so that a peer that goes away is noticed at once (as
     * redis-server frees a blocked client that disconnects); stop reading when the buffer is full.
     */
    private void onReadableWhileAwaiting() {
        try {
            in.compact();
            if (!in.hasRemaining()) {
                in.flip();
                key.interestOps(0);
                return;
            }
            int n = ch.read(in);
            in.flip();
            if (n < 0) {
                close(null);
            }
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
            key.interestOps(SelectionKey.OP_READ);
            process();
        } catch (IOException | RuntimeException e) {
            close(e);
        }
    }

    /** Decodes buffered requests and handles them, until input runs out, a reply blocks or a batch is answered later. */
    private void process() throws IOException {
        processing = true;
        try {
            while (!handling && !closing && !closed) {
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
                    }
                    return;
                }
                handling = true;
                dispatch(bad);
                if (handling) {
                    // Answered later: decode nothing more until then (pipelined requests stay in order).
                    return;
                }
                if (!flush()) {
                    return;
                }
            }
        } finally {
            processing = false;
        }
    }

    private void dispatch(CaravanException pendingError) {
        try {
            if (protocol instanceof AsyncProtocol<Q, R> async) {
                async.handle(codec, batch, replies -> onReplies(replies, pendingError));
            } else {
                syncReplies.clear();
                protocol.handle(codec, batch, syncReplies);
                onReplies(syncReplies, pendingError);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handling = false;
            closing = true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, protocol.name() + " handler failed; connection closed", e);
            handling = false;
            closing = true;
        }
    }

    /** A batch's replies: encoded on the loop's thread; written here unless {@link #process} is on the stack and will. */
    private void onReplies(List<R> replies, CaravanException pendingError) {
        if (!loop.inLoop()) {
            loop.execute(() -> onReplies(replies, pendingError));
            return;
        }
        if (!handling) {
            return; // answered twice, or the connection failed meanwhile
        }
        handling = false;
        if (closed) {
            replies.forEach(codec::discard); // the connection ended while the batch waited: never written
            return;
        }
        for (int i = 0; i < replies.size(); i++) {
            codec.encode(replies.get(i), out);
            if (codec.closeAfter(batch.get(i), replies.get(i))) {
                closing = true;
                replies.subList(i + 1, replies.size()).forEach(codec::discard);
                break;
            }
        }
        if (pendingError != null && !closing) {
            codec.encodeError(pendingError, out);
            closing = true;
        }
        if (processing) {
            return;
        }
        try {
            if (flush()) {
                key.interestOps(SelectionKey.OP_READ);
                process();
            }
        } catch (IOException | RuntimeException e) {
            close(e);
        }
    }

    /**
     * Writes the replies; true when all went out and decoding may go on. Otherwise waits for
     * OP_WRITE, or closes when closing.
     */
    private boolean flush() throws IOException {
        if (!out.drainTo(ch)) {
            key.interestOps(SelectionKey.OP_WRITE);
            return false;
        }
        if (closing) {
            close(null);
            return false;
        }
        return true;
    }

    /** Bad input: answer with the protocol's error, then close once it is written. */
    private void fail(CaravanException e) {
        closing = true;
        codec.encodeError(e, out);
        try {
            flush();
        } catch (IOException io) {
            close(io);
        }
    }

    /** Ends the connection (once) and tells the codec; on the loop's thread. */
    void close(Exception cause) {
        if (closed) {
            return;
        }
        closed = true;
        if (cause != null) {
            LOG.log(System.Logger.Level.DEBUG, "connection closed: " + cause);
        }
        if (key != null) {
            key.cancel();
        }
        tracker.remove(ch);
        try {
            codec.onClosed();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, protocol.name() + " close handler failed", e);
        }
        try {
            codec.close();
        } finally {
            out.clear();
        }
    }
}
