package dev.caravan.launch.net;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A tiny TCP server (or client) that the tests start inside a test host.
 *
 * <p>{@code server BIND_ADDRESS}: listens on an ephemeral port, prints {@code port N}, and exits
 * when its stdin closes. Each connection starts with a mode byte: {@code e} echoes every byte
 * back; {@code k} swallows everything and, at end of input, answers the byte count as a long;
 * {@code s} sends zeros until the peer closes.
 *
 * <p>{@code ping ADDRESS PORT TIMEOUT_MS}: connects, checks one echo round trip, prints {@code ok}.
 */
public final class NetProbeMain {
    private NetProbeMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args[0].equals("ping")) {
            try (Socket s = new Socket()) {
                int timeoutMs = Integer.parseInt(args[3]);
                s.connect(new InetSocketAddress(args[1], Integer.parseInt(args[2])), timeoutMs);
                s.setSoTimeout(timeoutMs);
                s.getOutputStream().write(new byte[] {'e', 42});
                System.out.println(s.getInputStream().read() == 42 ? "ok" : "bad echo");
            }
            return;
        }
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(args[1]));
        System.out.println("port " + server.getLocalPort());
        System.out.flush();
        Thread.ofPlatform().daemon(true).start(() -> {
            while (true) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
        while (System.in.read() >= 0) {
            // run until the test closes our stdin
        }
        System.exit(0);
    }

    private static void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int mode = in.read();
            byte[] buf = new byte[256 * 1024];
            switch (mode) {
                case 'e' -> {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        out.write(buf, 0, n);
                    }
                }
                case 'k' -> {
                    long total = 0;
                    for (int n; (n = in.read(buf)) > 0; ) {
                        total += n;
                    }
                    new DataOutputStream(out).writeLong(total);
                }
                case 's' -> {
                    while (true) {
                        out.write(buf);
                    }
                }
                default -> {
                }
            }
        } catch (IOException e) {
            // the test closed the connection
        }
    }
}
