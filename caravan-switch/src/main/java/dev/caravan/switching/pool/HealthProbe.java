package dev.caravan.switching.pool;

import dev.caravan.switching.FrontendProtocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One active health check of one backend, by the front end's protocol, on a blocking socket
 * bounded in time (HAProxy {@code check}, {@code option httpchk}, {@code option redis-check}):
 *
 * <ul>
 *   <li>TCP: the connection is accepted.</li>
 *   <li>HTTP: {@code GET / HTTP/1.1} with {@code Connection: close}; any status below 500 is up
 *       (a 404 or a 401 still shows a server that answers).</li>
 *   <li>RESP: {@code *1\r\n$4\r\nPING\r\n}; {@code +PONG\r\n} is up, and so is redis-server's
 *       {@code -NOAUTH} of a password-protected process (it answered RESP; the switch holds no
 *       password to prove more). Anything else is down.</li>
 * </ul>
 *
 * <p>Threading: stateless; runs on the prober's thread, never the data plane's.
 */
final class HealthProbe {
    /** Longest status line or reply line read; a longer one is a failed check. */
    private static final int MAX_LINE_BYTES = 256;

    private HealthProbe() {
    }

    /**
     * @param timeoutMs bound on connect and on the whole exchange
     * @return whether the backend passed
     */
    static boolean check(FrontendProtocol protocol, InetSocketAddress address, int timeoutMs) {
        long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        try (Socket socket = new Socket()) {
            socket.connect(address, timeoutMs);
            socket.setSoTimeout(timeoutMs);
            return switch (protocol) {
                case TCP -> true;
                case HTTP -> {
                    send(socket, "GET / HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                            + "\r\nUser-Agent: caravan-switch-check\r\nConnection: close\r\n\r\n");
                    yield httpUp(readLine(socket.getInputStream(), deadlineNs));
                }
                case RESP -> {
                    send(socket, "*1\r\n$4\r\nPING\r\n");
                    String line = readLine(socket.getInputStream(), deadlineNs);
                    yield line.equals("+PONG") || line.startsWith("-NOAUTH");
                }
            };
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code HTTP/1.x NNN ...} with NNN in 100..499. */
    static boolean httpUp(String statusLine) {
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            return false;
        }
        try {
            int status = Integer.parseInt(statusLine.substring(9, 12));
            return status >= 100 && status < 500;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void send(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads up to CRLF; an over-long line, end of stream or the deadline is a failure. */
    private static String readLine(InputStream in, long deadlineNs) throws IOException {
        StringBuilder line = new StringBuilder();
        while (line.length() < MAX_LINE_BYTES && System.nanoTime() < deadlineNs) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            if (b == '\n' && !line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                return line.substring(0, line.length() - 1);
            }
            line.append((char) b);
        }
        throw new IOException("no complete reply line");
    }
}
