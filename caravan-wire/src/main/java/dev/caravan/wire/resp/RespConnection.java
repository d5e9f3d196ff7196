package dev.caravan.wire.resp;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain RESP client connection, as redis-cli would hold: for tools, benchmarks, and nodes
 * sending commands on to where a process now lives. Off-heap command arguments are streamed
 * without a heap copy; replies are read under the {@link RespLimits} given (the one-argument
 * constructor keeps every bulk on the heap; a node forwarding big values passes limits with an
 * off-heap threshold and releases the {@link Reply.OffHeapBulk} replies it gets). Not
 * thread-safe: one user at a time.
 */
public final class RespConnection implements AutoCloseable {
    private final Socket socket;
    private final RespCommandWriter out;
    private final RespReplyReader in;
    private final InetSocketAddress target;

    public RespConnection(InetSocketAddress target) throws IOException {
        this(target, RespLimits.DEFAULTS.onHeap());
    }

    /** A connection whose replies are read under {@code replyLimits}. */
    public RespConnection(InetSocketAddress target, RespLimits replyLimits) throws IOException {
        this.target = target;
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(target, 5000);
            out = new RespCommandWriter(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
            in = new RespReplyReader(socket.getInputStream(), replyLimits);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    public InetSocketAddress target() {
        return target;
    }

    public Reply call(String... args) throws IOException {
        return call(Command.of(args));
    }

    public Reply call(Command c) throws IOException {
        return forward(new Command[] {c})[0];
    }

    /** Sends all commands, then reads all replies. */
    public List<Reply> pipeline(List<Command> commands) throws IOException {
        return new ArrayList<>(Arrays.asList(forward(commands.toArray(Command[]::new))));
    }

    /**
     * Sends a batch and reads its replies, in order; an end of stream mid-batch is an
     * {@link EOFException}, and the replies read before it are released.
     */
    public Reply[] forward(Command[] batch) throws IOException {
        for (Command c : batch) {
            out.write(c);
        }
        out.flush();
        Reply[] replies = new Reply[batch.length];
        try {
            for (int i = 0; i < batch.length; i++) {
                replies[i] = in.read();
                if (replies[i] == null) {
                    throw new EOFException("connection to " + target + " closed mid-batch");
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Reply r : replies) {
                if (r != null) {
                    Reply.release(r);
                }
            }
            throw e;
        }
        return replies;
    }

    /** Closes the connection; never throws. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }
}
