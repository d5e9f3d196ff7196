package dev.caravan.cli.bench;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespReplyReader;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** A plain RESP client connection, as redis-cli would hold. Not thread-safe. */
public final class RespConnection implements AutoCloseable {
    private final Socket socket;
    private final RespCommandWriter out;
    private final RespReplyReader in;

    public RespConnection(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, 5000);
        out = new RespCommandWriter(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
        in = new RespReplyReader(socket.getInputStream());
    }

    public Reply call(String... args) throws IOException {
        return call(Command.of(args));
    }

    public Reply call(Command c) throws IOException {
        out.write(c);
        out.flush();
        return in.read();
    }

    /** Sends all commands, then reads all replies. */
    public List<Reply> pipeline(List<Command> commands) throws IOException {
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

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
