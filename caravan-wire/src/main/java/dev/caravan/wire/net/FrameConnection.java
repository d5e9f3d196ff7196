package dev.caravan.wire.net;

import dev.caravan.wire.Frame;
import dev.caravan.wire.FrameWriter;
import dev.caravan.wire.security.Identity;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's view of one accepted connection. {@link #send} is thread-safe, so other
 * threads may push {@link dev.caravan.wire.Op#EVENT} frames to the peer.
 */
public final class FrameConnection {
    private final long id;
    private final Socket socket;
    private final FrameWriter writer;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private volatile String peerName = "?";
    private volatile Identity identity;

    FrameConnection(long id, Socket socket, FrameWriter writer) {
        this.id = id;
        this.socket = socket;
        this.writer = writer;
    }

    /** Unique within the server. */
    public long id() {
        return id;
    }

    public SocketAddress remoteAddress() {
        return socket.getRemoteSocketAddress();
    }

    /** The name the peer gave in its HELLO. */
    public String peerName() {
        return peerName;
    }

    void peerName(String name) {
        this.peerName = name;
    }

    /**
     * Who the peer proved to be at the handshake (its certificate, its token, or the development
     * identity on an open port); null before the handshake completed.
     */
    public Identity identity() {
        return identity;
    }

    void identity(Identity identity) {
        this.identity = identity;
    }

    /** Sends a frame; returns false if the connection is gone. */
    public boolean send(Frame frame) {
        try {
            writer.write(frame);
            return true;
        } catch (IOException e) {
            close();
            return false;
        }
    }

    /** Per-connection state for handlers (for example the watches a peer holds). */
    public Map<String, Object> attributes() {
        return attributes;
    }

    public boolean isOpen() {
        return !socket.isClosed();
    }

    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a broken socket has nothing left to tell us.
        }
    }
}
