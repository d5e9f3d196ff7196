package dev.caravan.servers.objects;

import dev.caravan.wire.ErrorCode;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A connection to an object adapter (one client session), handing out {@link ObjectProxy}s.
 *
 * <p>Threading: thread-safe; calls are serialized, one outstanding at a time.
 */
public final class ObjectClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private int nextCallId;

    /** @throws dev.caravan.wire.CaravanException UNAVAILABLE when the adapter cannot be reached */
    public ObjectClient(InetSocketAddress address) {
        try {
            socket = new Socket();
            socket.connect(address, 5_000);
            socket.setSoTimeout(10_000);
            in = new DataInputStream(socket.getInputStream());
            out = new DataOutputStream(socket.getOutputStream());
        } catch (IOException e) {
            throw ErrorCode.UNAVAILABLE.exception("cannot reach object adapter at " + address + ": " + e.getMessage());
        }
    }

    /** A proxy for the object called {@code identity} (no call is made yet). */
    public ObjectProxy proxy(String identity) {
        return new ObjectProxy(this, identity);
    }

    synchronized String call(String identity, String operation, String argument) {
        int callId = ++nextCallId;
        byte[][] f = {utf8(identity), utf8(operation), utf8(argument)};
        try {
            out.writeInt(4 + 6 + f[0].length + f[1].length + f[2].length);
            out.writeInt(callId);
            for (byte[] b : f) {
                out.writeShort(b.length);
                out.write(b);
            }
            out.flush();
            in.readInt();
            int replyId = in.readInt();
            int status = in.readInt();
            String text = new String(in.readNBytes(in.readUnsignedShort()), StandardCharsets.UTF_8);
            if (status != 0) {
                throw ErrorCode.of(status).exception(text);
            }
            if (replyId != callId) {
                throw ErrorCode.MALFORMED.exception("reply for call " + replyId + ", expected " + callId);
            }
            return text;
        } catch (IOException e) {
            throw ErrorCode.UNAVAILABLE.exception("object call failed: " + e.getMessage());
        }
    }

    private static byte[] utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw ErrorCode.TOO_LARGE.exception("field of " + b.length + " bytes");
        }
        return b;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the descriptor is released regardless
        }
    }
}
