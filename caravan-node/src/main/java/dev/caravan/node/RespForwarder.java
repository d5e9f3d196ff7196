package dev.caravan.node;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespReplyReader;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A RESP client connection used to send commands on to where a process now lives: by the
 * source of a migration for the commands queued during the switch-over, and by front
 * endpoints. Not thread-safe: one user at a time.
 */
final class RespForwarder implements AutoCloseable {
    private final Socket socket;
    private final RespCommandWriter out;
    private final RespReplyReader in;
    private final InetSocketAddress target;

    RespForwarder(InetSocketAddress target) throws IOException {
        this.target = target;
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(target, 5000);
        out = new RespCommandWriter(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
        in = new RespReplyReader(socket.getInputStream());
    }

    InetSocketAddress target() {
        return target;
    }

    /** Sends a batch and reads its replies, in order. */
    Reply[] forward(Command[] batch) throws IOException {
        for (Command c : batch) {
            out.write(c);
        }
        out.flush();
        Reply[] replies = new Reply[batch.length];
        for (int i = 0; i < batch.length; i++) {
            replies[i] = in.read();
            if (replies[i] == null) {
                throw new java.io.EOFException("connection to " + target + " closed mid-batch");
            }
        }
        return replies;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }
}
