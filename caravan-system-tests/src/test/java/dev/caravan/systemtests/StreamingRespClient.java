package dev.caravan.systemtests;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * A raw RESP client for values far bigger than a test's heap: it generates what it sends and
 * checksums what it reads, 64 KiB at a time, so neither side of a 512 MB value is ever held in
 * memory. Not thread-safe.
 */
final class StreamingRespClient implements AutoCloseable {
    private static final int BLOCK = 64 * 1024;
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    StreamingRespClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 10_000);
        socket.setSoTimeout(120_000);
        out = new BufferedOutputStream(socket.getOutputStream(), BLOCK);
        in = new BufferedInputStream(socket.getInputStream(), BLOCK);
    }

    /** Writes ASCII text as is (RESP headers, small commands). */
    void send(String ascii) throws IOException {
        out.write(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    void flush() throws IOException {
        out.flush();
    }

    /**
     * Writes {@code n} pseudo-random bytes drawn from {@code seed}, generated as they go.
     *
     * @return their CRC-32
     */
    long sendRandom(long n, long seed) throws IOException {
        return writeRandom(out, n, seed);
    }

    /** The CRC-32 of the bytes {@link #sendRandom} sends for {@code n} and {@code seed}. */
    static long crcOfRandom(long n, long seed) throws IOException {
        return writeRandom(OutputStream.nullOutputStream(), n, seed);
    }

    private static long writeRandom(OutputStream to, long n, long seed) throws IOException {
        CRC32 crc = new CRC32();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] block = new byte[BLOCK];
        for (long sent = 0; sent < n; ) {
            int len = (int) Math.min(BLOCK, n - sent);
            random.nextBytes(block);
            crc.update(block, 0, len);
            to.write(block, 0, len);
            sent += len;
        }
        return crc.getValue();
    }

    /** Sends {@code SET key <n random bytes>} and returns the value's CRC-32 (the reply is not read). */
    long sendSet(String key, long n, long seed) throws IOException {
        send("*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + n + "\r\n");
        long crc = sendRandom(n, seed);
        send("\r\n");
        flush();
        return crc;
    }

    /** Sends {@code GET key} and reads a bulk reply of {@code n} bytes, returning its CRC-32. */
    long get(String key, long n) throws IOException {
        send("*2\r\n$3\r\nGET\r\n$" + key.length() + "\r\n" + key + "\r\n");
        flush();
        String header = readLine();
        if (!header.equals("$" + n)) {
            throw new IOException("expected a bulk of " + n + " bytes, got '" + header + "'");
        }
        CRC32 crc = new CRC32();
        byte[] block = new byte[BLOCK];
        for (long left = n; left > 0; ) {
            int got = in.read(block, 0, (int) Math.min(BLOCK, left));
            if (got < 0) {
                throw new EOFException("closed with " + left + " bytes of the value to go");
            }
            crc.update(block, 0, got);
            left -= got;
        }
        if (!readLine().isEmpty()) {
            throw new IOException("the bulk is not followed by CRLF");
        }
        return crc.getValue();
    }

    /** One reply line without its CRLF. */
    String readLine() throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("closed inside a line: '" + b + "'");
            }
            if (c == '\n' && !b.isEmpty() && b.charAt(b.length() - 1) == '\r') {
                return b.substring(0, b.length() - 1);
            }
            b.append((char) c);
        }
    }

    /** Everything the server sends until it closes the connection. */
    String readToEnd() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
