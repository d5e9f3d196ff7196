package dev.caravan.servers.binary;

import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.Protocol;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The small binary protocol of {@link BinaryCodec} with a per-request function. Threading:
 * {@code work} is called concurrently from the model's serving threads and must be thread-safe.
 */
public final class BinaryProtocol implements Protocol<BinaryRequest, BinaryReply> {
    public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;
    private final ToIntFunction<byte[]> work;
    private final RequestDelay delay;

    /**
     * @param work  computes a reply value from a payload
     * @param delay a simulated blocking call before each request (disk, remote service)
     */
    public BinaryProtocol(ToIntFunction<byte[]> work, RequestDelay delay) {
        this.work = work;
        this.delay = delay;
    }

    /** CRC-32 of the payload, no delay: the benchmark's non-blocking handler. */
    public static BinaryProtocol crc32() {
        return crc32(RequestDelay.NONE);
    }

    public static BinaryProtocol crc32(RequestDelay delay) {
        return new BinaryProtocol(data -> {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(data);
            return (int) crc.getValue();
        }, delay);
    }

    @Override
    public String name() {
        return "binary";
    }

    @Override
    public Codec<BinaryRequest, BinaryReply> newCodec() {
        return new BinaryCodec(DEFAULT_MAX_FRAME_BYTES);
    }

    @Override
    public void handle(List<BinaryRequest> batch, List<BinaryReply> replies) throws InterruptedException {
        for (BinaryRequest r : batch) {
            delay.await();
            replies.add(new BinaryReply(r.id(), work.applyAsInt(r.data())));
        }
    }
}
