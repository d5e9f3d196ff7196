package dev.caravan.servers.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A blocking test client speaking raw bytes, with a read timeout so no test hangs. */
final class WireClient implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;

    WireClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 5_000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    void send(String ascii) throws IOException {
        out.write(ascii.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    void sendBinary(int id, byte[] data) throws IOException {
        out.writeInt(4 + data.length);
        out.writeInt(id);
        out.write(data);
    }

    /** Reads one HTTP response (head + Content-Length body) as text. */
    String readHttpResponse() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside a response head: " + head);
            }
            head.append((char) b);
        }
        int i = head.indexOf("Content-Length: ");
        int len = Integer.parseInt(head.substring(i + 16, head.indexOf("\r\n", i)));
        byte[] body = in.readNBytes(len);
        return head + new String(body, StandardCharsets.UTF_8);
    }

    /** Reads until the server closes (bounded by the socket timeout). */
    String readToEnd() throws IOException {
        InputStream s = socket.getInputStream();
        return new String(s.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
