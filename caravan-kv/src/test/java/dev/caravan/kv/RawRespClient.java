package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespReplyReader;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A RESP client that keeps the exact bytes of each reply: one command in flight at a time,
 * so the bytes read from the socket while decoding a reply are that reply's bytes.
 */
final class RawRespClient implements AutoCloseable {
    /** One reply: its wire bytes and its decoded form. */
    record Raw(byte[] bytes, Reply reply) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final RespReplyReader in;
    private final ByteArrayOutputStream recorded = new ByteArrayOutputStream();

    RawRespClient(int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        InputStream raw = socket.getInputStream();
        in = new RespReplyReader(new FilterInputStream(raw) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    recorded.write(b, off, n);
                }
                return n;
            }

            @Override
            public int read() throws IOException {
                int c = super.read();
                if (c >= 0) {
                    recorded.write(c);
                }
                return c;
            }
        });
    }

    Raw call(Command c) throws IOException {
        send(c);
        return read(c);
    }

    /** Sends {@code c} without reading a reply (one the server will not send: CLIENT REPLY OFF / SKIP). */
    void send(Command c) throws IOException {
        out.write(RespCommandWriter.encode(c));
        out.flush();
    }

    /** Reads one reply, with the bytes received for it (and any left unread before it). */
    Raw read(Command sentFor) throws IOException {
        Reply r = in.read();
        if (r == null) {
            throw new IOException("connection closed before the reply to " + sentFor);
        }
        Raw raw = new Raw(recorded.toByteArray(), r);
        recorded.reset();
        return raw;
    }

    /**
     * Sends {@code commands} in one write and returns every byte the server sends until
     * {@code end} has been received at the end of the stream, or the server closes the connection.
     */
    static byte[] pipeline(int port, java.util.List<Command> commands, byte[] end) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (Command c : commands) {
                all.write(RespCommandWriter.encode(c));
            }
            s.getOutputStream().write(all.toByteArray());
            s.getOutputStream().flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            InputStream in = s.getInputStream();
            while (!endsWith(got.toByteArray(), end)) {
                int n;
                try {
                    n = in.read(buf);
                } catch (java.net.SocketException reset) {
                    n = -1;
                }
                if (n < 0) {
                    break;
                }
                got.write(buf, 0, n);
            }
            return got.toByteArray();
        }
    }

    private static boolean endsWith(byte[] b, byte[] end) {
        return end.length > 0 && b.length >= end.length
                && java.util.Arrays.equals(b, b.length - end.length, b.length, end, 0, end.length);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
