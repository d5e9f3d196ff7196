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
 * back; {@code k} swallows everything and, at end of input, answers two longs: the bytes received
 * after the first {@value #WARM_UP_MS} ms of receiving (slow start, the emulator's start and the
 * sender's scheduling are behind it by then) and the nanoseconds from that point to the last byte,
 * both on this receiver's clock; {@code s} sends zeros until the peer closes.
 *
 * <p>{@code ping ADDRESS PORT TIMEOUT_MS}: connects, checks one echo round trip, prints {@code ok}.
 */
public final class NetProbeMain {
    static final long WARM_UP_MS = 300;

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
                    long firstByte = 0;
                    long measuredFrom = 0;
                    long lastByte = 0;
                    long measured = 0;
                    for (int n; (n = in.read(buf)) > 0; ) {
                        lastByte = System.nanoTime();
                        if (firstByte == 0) {
                            firstByte = lastByte;
                        }
                        if (measuredFrom != 0) {
                            measured += n;
                        } else if (lastByte - firstByte >= WARM_UP_MS * 1_000_000) {
                            measuredFrom = lastByte;
                        }
                    }
                    DataOutputStream answer = new DataOutputStream(out);
                    answer.writeLong(measured);
                    answer.writeLong(measuredFrom == 0 ? 0 : lastByte - measuredFrom);
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
