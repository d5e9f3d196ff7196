package dev.caravan.cli.bench.code;

import dev.caravan.lab.code.DataSet;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.RespReplyReader;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The client-server side of {@code caravan lab code}: a RESP client that SCANs the key space
 * and MGETs every value to count the matches itself, counting the bytes that cross its socket
 * (both ways, counted under the buffers, so they are the bytes the socket carried).
 */
public final class ClientServerCount {
    /** Keys asked per SCAN, then fetched by one MGET. */
    static final int BATCH = 1000;

    /** The count and what it cost. */
    public record Outcome(long count, long bytesMoved) {
    }

    private ClientServerCount() {
    }

    public static Outcome run(InetSocketAddress data, Pattern pattern) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(data, 5000);
            Counting out = new Counting(socket.getOutputStream());
            CountingIn in = new CountingIn(socket.getInputStream());
            RespCommandWriter writer = new RespCommandWriter(new BufferedOutputStream(out, 64 * 1024));
            RespReplyReader reader = new RespReplyReader(new BufferedInputStream(in, 64 * 1024), RespLimits.DEFAULTS.onHeap());
            long count = 0;
            String cursor = "0";
            do {
                writer.write(Command.of("SCAN", cursor, "COUNT", String.valueOf(BATCH)));
                writer.flush();
                if (!(reader.read() instanceof Reply.Array scan) || scan.items().size() != 2
                        || !(scan.items().get(0) instanceof Reply.Bulk next) || !(scan.items().get(1) instanceof Reply.Array keys)) {
                    throw ErrorCode.INTERNAL.exception("SCAN answered something else than [cursor, keys]");
                }
                cursor = next.text();
                if (!keys.items().isEmpty()) {
                    List<byte[]> args = new ArrayList<>(keys.items().size() + 1);
                    args.add("MGET".getBytes(StandardCharsets.US_ASCII));
                    for (Reply k : keys.items()) {
                        args.add(((Reply.Bulk) k).value());
                    }
                    writer.write(new Command(args.toArray(byte[][]::new)));
                    writer.flush();
                    if (!(reader.read() instanceof Reply.Array values)) {
                        throw ErrorCode.INTERNAL.exception("MGET answered something else than an array");
                    }
                    for (Reply v : values.items()) {
                        if (v instanceof Reply.Bulk b && DataSet.matches(pattern, b.value())) {
                            count++;
                        }
                    }
                }
            } while (!cursor.equals("0"));
            return new Outcome(count, out.bytes + in.bytes);
        }
    }

    /** Counts the bytes written to the socket. */
    private static final class Counting extends FilterOutputStream {
        long bytes;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            bytes += len;
        }
    }

    /** Counts the bytes read from the socket. */
    private static final class CountingIn extends FilterInputStream {
        long bytes;

        CountingIn(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                bytes++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                bytes += n;
            }
            return n;
        }
    }
}
