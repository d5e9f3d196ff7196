package dev.caravan.servers.bench;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** What the load generator sends and how it recognises one reply, per benchmark protocol. */
enum LoadProtocol {
    /** A 16-byte payload; reply is 12 bytes. */
    BINARY {
        @Override
        byte[] request() {
            ByteBuffer b = ByteBuffer.allocate(24);
            b.putInt(20).putInt(1).put("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
            return b.array();
        }

        @Override
        void readReply(DataInputStream in) throws IOException {
            int len = in.readInt();
            in.skipNBytes(len);
        }
    },
    /** {@code GET /plaintext} with keep-alive; reply parsed by Content-Length. */
    HTTP {
        @Override
        byte[] request() {
            return "GET /plaintext HTTP/1.1\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        void readReply(DataInputStream in) throws IOException {
            int contentLength = -1;
            StringBuilder line = new StringBuilder();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new EOFException("closed inside a reply");
                }
                if (c != '\n') {
                    line.append((char) c);
                    continue;
                }
                if (line.length() <= 1) {
                    break;
                }
                if (line.length() > 16 && line.substring(0, 16).equalsIgnoreCase("content-length: ")) {
                    contentLength = Integer.parseInt(line.substring(16).trim());
                }
                line.setLength(0);
            }
            in.skipNBytes(Math.max(0, contentLength));
        }
    };

    abstract byte[] request();

    abstract void readReply(DataInputStream in) throws IOException;

    String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
