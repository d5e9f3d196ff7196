package dev.caravan.wire.net;

import dev.caravan.wire.FrameWriter;
import dev.caravan.wire.security.Identity;

import java.io.OutputStream;
import java.net.Socket;

/**
 * Connections for fuzz targets that call a {@link FrameHandler} directly: no socket behind them
 * (replies pushed with {@link FrameConnection#send} go nowhere). Lives in the wire.net package (of
 * the fuzz module) because {@link FrameConnection}'s constructor is package-private.
 */
public final class FuzzConnections {
    private FuzzConnections() {
    }

    /** A connection past its HELLO on an open port: the development identity (ADMIN, every slice). */
    public static FrameConnection development(String peerName) {
        FrameConnection c = new FrameConnection(0, new Socket(), new FrameWriter(OutputStream.nullOutputStream()));
        c.peerName(peerName);
        c.identity(Identity.development(peerName));
        return c;
    }
}
