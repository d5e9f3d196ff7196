package dev.caravan.kv;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** One client connection of the differential suite: bytes in, each reply's exact bytes out. */
interface DiffEndpoint extends AutoCloseable {
    /** Writes and flushes {@code bytes} as one write. */
    void write(byte[] bytes) throws IOException;

    /** The next reply's bytes; null when the server closed the connection. */
    byte[] read() throws IOException;

    @Override
    void close() throws IOException;

    /** A TCP connection to a RESP server; replies are cut from the byte stream exactly as sent. */
    final class Tcp implements DiffEndpoint {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private byte[] buf = new byte[64 * 1024];
        private int lim;

        Tcp(int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(3_000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        @Override
        public byte[] read() throws IOException {
            while (true) {
                int n = lim == 0 ? -1 : RespFrames.length(buf, 0, lim);
                if (n > 0) {
                    byte[] reply = Arrays.copyOf(buf, n);
                    System.arraycopy(buf, n, buf, 0, lim - n);
                    lim -= n;
                    return reply;
                }
                if (lim == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                int got;
                try {
                    got = in.read(buf, lim, buf.length - lim);
                } catch (SocketException reset) {
                    got = -1;
                }
                if (got < 0) {
                    if (lim > 0) {
                        throw new EOFException("connection closed inside a reply: "
                                + new String(buf, 0, lim, StandardCharsets.ISO_8859_1));
                    }
                    return null;
                }
                lim += got;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
