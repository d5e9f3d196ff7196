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
        recorded.reset();
        out.write(RespCommandWriter.encode(c));
        out.flush();
        Reply r = in.read();
        if (r == null) {
            throw new IOException("connection closed before the reply to " + c);
        }
        return new Raw(recorded.toByteArray(), r);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
