package dev.caravan.servers.line;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A blocking client of a {@link LineProtocol}: one connection, one request outstanding.
 * Not thread-safe: one caller thread at a time.
 */
public final class LineClient implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    /**
     * Connects with a 5 s connect timeout; reads time out after {@code readTimeoutMs}.
     *
     * @throws CaravanException UNAVAILABLE when the server cannot be reached
     */
    public LineClient(InetSocketAddress address, int readTimeoutMs) {
        try {
            socket = new Socket();
            socket.connect(address, 5_000);
            socket.setSoTimeout(readTimeoutMs);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw ErrorCode.UNAVAILABLE.exception("cannot reach " + address + ": " + e.getMessage());
        }
    }

    public LineClient(InetSocketAddress address) {
        this(address, 10_000);
    }

    /** Sends one line and returns the raw reply line ({@code ERR …} included). */
    public String call(String line) {
        send(line);
        return readLine();
    }

    /**
     * Sends one line and returns the reply.
     *
     * @throws CaravanException carrying the server's code when the reply is {@code ERR}
     */
    public String callOk(String line) {
        return check(call(line));
    }

    /** Sends one line without waiting for the reply. */
    public void send(String line) {
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one reply line; UNAVAILABLE when the server closed the connection. */
    public String readLine() {
        try {
            String s = in.readLine();
            if (s == null) {
                throw ErrorCode.UNAVAILABLE.exception("server closed the connection");
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns {@code reply}, or throws the error an {@code ERR CODE message} reply carries. */
    public static String check(String reply) {
        if (!reply.startsWith("ERR ")) {
            return reply;
        }
        String rest = reply.substring(4);
        int sp = rest.indexOf(' ');
        String code = sp < 0 ? rest : rest.substring(0, sp);
        ErrorCode c;
        try {
            c = ErrorCode.valueOf(code);
        } catch (IllegalArgumentException e) {
            c = ErrorCode.INTERNAL;
        }
        throw c.exception(sp < 0 ? "" : rest.substring(sp + 1));
    }

    /** The raw socket (tests: urgent data, half-close). */
    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to release beyond the descriptor, which close() frees even when it throws
        }
    }
}
