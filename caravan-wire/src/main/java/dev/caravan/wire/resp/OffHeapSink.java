package dev.caravan.wire.resp;

import dev.caravan.wire.command.OffHeapBytes;

import java.io.IOException;

/**
 * An output stream that takes off-heap values by reference rather than by copy: an endpoint's
 * reply buffer, which writes them to the socket later, chunk by chunk. {@link RespWriter}
 * hands an {@link dev.caravan.wire.command.Reply.OffHeapBulk}'s bytes to such a stream.
 */
public interface OffHeapSink {
    /**
     * Queues {@code value}'s bytes after everything written to the stream so far. The sink takes
     * its own reference ({@link OffHeapBytes#retain}) and releases it once the bytes are sent or
     * dropped; the caller keeps its reference.
     */
    void writeOffHeap(OffHeapBytes value) throws IOException;
}
