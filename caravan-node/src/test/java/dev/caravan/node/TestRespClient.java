package dev.caravan.node;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.HostPort;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespReplyReader;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

/** A plain RESP client for tests, with a read timeout so that no test hangs. */
final class TestRespClient implements AutoCloseable {
    private final Socket socket = new Socket();
    private final InputStream in;
    private final RespCommandWriter writer;
    private final RespReplyReader reader;

    TestRespClient(InetSocketAddress at) throws IOException {
        socket.connect(at, 5000);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
        writer = new RespCommandWriter(socket.getOutputStream());
        reader = new RespReplyReader(in);
    }

    TestRespClient(String hostPort) throws IOException {
        this(HostPort.parse(hostPort));
    }

    Reply call(String... args) throws IOException {
        send(args);
        return read();
    }

    void send(String... args) throws IOException {
        writer.write(Command.of(args));
        writer.flush();
    }

    Reply read() throws IOException {
        return reader.read();
    }

    String text(String... args) throws IOException {
        Reply r = call(args);
        if (!(r instanceof Reply.Bulk b)) {
            throw new AssertionError("expected a bulk reply to " + String.join(" ", args) + ", got " + r);
        }
        return b.text();
    }

    long sessionId() throws IOException {
        return Long.parseLong(text("WHO").split(" ")[0]);
    }

    /** This end's address, host:port, as a server sees it. */
    String localAddress() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    /** Whether the server closed the connection: an end of stream, or a reset when it left bytes we sent unread. */
    boolean closedByServer() {
        try {
            return in.read() == -1;
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
