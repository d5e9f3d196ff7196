package dev.caravan.migration.resources;

import dev.caravan.wire.node.ResourceProtocol;

import java.io.InputStream;

/**
 * An {@link InputStream} over a resource exported by another node, fetched in chunks of
 * {@link ResourceProtocol#MAX_READ_CHUNK_BYTES} through a {@link RemoteResourceReader} as the
 * reader asks for them. The first chunk is fetched on construction, so that a reference that
 * cannot be read (NOT_FOUND, UNAVAILABLE) fails at open, not at the first read. Not
 * thread-safe: one reading thread (the process's).
 */
final class RemoteResourceStream extends InputStream {
    private final RemoteResourceReader remote;
    private final String node;
    private final String qualifiedName;
    private byte[] chunk = new byte[0];
    private int pos;
    private long offset;
    private boolean eof;

    RemoteResourceStream(RemoteResourceReader remote, String node, String qualifiedName) {
        this.remote = remote;
        this.node = node;
        this.qualifiedName = qualifiedName;
        fill();
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (pos == chunk.length && !fill()) {
            return -1;
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
    }

    private boolean fill() {
        if (eof) {
            return false;
        }
        chunk = remote.read(node, qualifiedName, offset, ResourceProtocol.MAX_READ_CHUNK_BYTES);
        pos = 0;
        offset += chunk.length;
        eof = chunk.length == 0;
        return !eof;
    }
}
