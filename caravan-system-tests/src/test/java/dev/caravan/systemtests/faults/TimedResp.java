package dev.caravan.systemtests.faults;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.RespReplyReader;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A RESP connection whose connect and every reply are bounded in time, for talking to nodes
 * that may be cut off or fenced: a {@link java.net.SocketTimeoutException} (an
 * {@link IOException}) says the peer did not answer in time, after which the connection is out
 * of step and must be closed. Not thread-safe.
 */
final class TimedResp implements AutoCloseable {
    private final Socket socket;
    private final RespCommandWriter out;
    private final RespReplyReader in;

    TimedResp(InetSocketAddress target, Duration timeout) throws IOException {
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(target, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            out = new RespCommandWriter(new BufferedOutputStream(socket.getOutputStream(), 16 * 1024));
            in = new RespReplyReader(socket.getInputStream(), RespLimits.DEFAULTS.onHeap());
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    Reply call(String... args) throws IOException {
        return pipeline(List.of(Command.of(args))).getFirst();
    }

    /** Sends every command, then reads as many replies. */
    List<Reply> pipeline(List<Command> commands) throws IOException {
        for (Command c : commands) {
            out.write(c);
        }
        out.flush();
        List<Reply> replies = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            replies.add(in.read());
        }
        return replies;
    }

    /**
     * What {@code target} answers to {@code args} within {@code timeout}, as one line: the reply
     * ({@code Bulk[...]}, {@code Error[MOVED ...]}) or why there was none ({@code no answer: ...}).
     */
    static String answer(InetSocketAddress target, Duration timeout, String... args) {
        try (TimedResp c = new TimedResp(target, timeout)) {
            return c.call(args).toString();
        } catch (IOException e) {
            return "no answer: " + e;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a socket to a peer that is cut off may fail; there is nothing to release then.
        }
    }
}
