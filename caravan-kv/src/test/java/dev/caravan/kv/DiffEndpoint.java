package dev.caravan.kv;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespReader;
import dev.caravan.wire.resp.RespWriter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/** One client connection of the differential suite: bytes in, each reply's exact bytes out. */
interface DiffEndpoint extends AutoCloseable {
    /** What {@link Direct} answers to HELLO while the process does not serve it: not compared. */
    byte[] HELLO_NOT_COMPARED = "(HELLO handled by the test)".getBytes(StandardCharsets.US_ASCII);

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

    /**
     * The kv process called in this thread, as a client connection would reach it: bytes are
     * decoded as the node's RESP front decodes them (incrementally, so split input is really
     * split), a protocol error is answered {@code -ERR <message>} and the connection closed, as
     * the node's {@code RespProtocol} does. While the process does not serve HELLO, HELLO 2|3
     * sets its {@link CurrentClient} here and its reply is not compared.
     */
    final class Direct implements DiffEndpoint {
        private final KvProcess kv;
        private final boolean interceptHello;
        private final ByteArrayOutputStream input = new ByteArrayOutputStream();
        private final Deque<byte[]> replies = new ArrayDeque<>();
        private int done;
        private boolean closed;

        Direct(KvProcess kv, boolean interceptHello) {
            this.kv = kv;
            this.interceptHello = interceptHello;
            kv.currentClient().protocol(2);
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            if (closed) {
                return;
            }
            input.writeBytes(bytes);
            RespReader reader = new RespReader(new ByteArrayInputStream(input.toByteArray()));
            int index = 0;
            while (true) {
                Command c;
                try {
                    c = reader.read();
                } catch (EOFException incomplete) {
                    return;
                } catch (CaravanException protocolError) {
                    replies.add(RespWriter.encode(Reply.error("ERR " + protocolError.getMessage())));
                    closed = true;
                    return;
                }
                if (c == null) {
                    return;
                }
                if (index++ < done) {
                    continue;
                }
                done++;
                if (interceptHello && c.name().equals("HELLO")) {
                    kv.currentClient().protocol(c.size() > 1 && c.text(1).equals("3") ? 3 : 2);
                    replies.add(HELLO_NOT_COMPARED);
                    continue;
                }
                Reply r = kv.onCommand(c);
                if (r instanceof Reply.Closing closing) {
                    replies.add(RespWriter.encode(closing.reply()));
                    closed = true;
                    return;
                }
                if (!(r instanceof Reply.Suppressed)) {
                    replies.add(RespWriter.encode(r));
                }
            }
        }

        @Override
        public byte[] read() throws IOException {
            if (!replies.isEmpty()) {
                return replies.poll();
            }
            if (closed) {
                return null;
            }
            throw new IOException("the kv process has no reply pending");
        }

        @Override
        public void close() {
            kv.currentClient().protocol(2);
        }
    }
}
