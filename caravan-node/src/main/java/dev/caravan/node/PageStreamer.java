package dev.caravan.node;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.node.MigrationProtocol;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongPredicate;

/**
 * Sends pages of a {@link PagedMemory} to a destination as MIG_PAGES frames, keeping a window
 * of frames in flight, and measures the bandwidth it achieved. Used by one migration thread.
 */
final class PageStreamer {
    private static final int WINDOW = 8;

    private final FrameClient link;
    private final String name;
    private final PagedMemory memory;
    private final Clock clock;
    private final ArrayDeque<CompletableFuture<Frame>> inFlight = new ArrayDeque<>();
    private long pagesSent;
    private long bytesSent;
    private double bandwidthBytesPerSec;

    PageStreamer(FrameClient link, String name, PagedMemory memory, Clock clock) {
        this.link = link;
        this.name = name;
        this.memory = memory;
        this.clock = clock;
    }

    /**
     * Sends every page whose bit is set in {@code pages} and for which {@code skip} is false;
     * returns when the destination has acknowledged all of them.
     *
     * @param progress called after each frame with the pages sent so far in this call
     */
    long send(long[] pages, LongPredicate skip, java.util.function.LongConsumer progress) {
        int pageSize = memory.pageSizeBytes();
        long startNs = clock.nanoTime();
        long lastProgressNs = startNs;
        long sentHere = 0;
        long[] batch = new long[MigrationProtocol.PAGES_PER_FRAME];
        int inFrame = 0;
        for (int w = 0; w < pages.length; w++) {
            long word = pages[w];
            while (word != 0) {
                long page = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                word &= word - 1;
                if (skip.test(page)) {
                    continue;
                }
                batch[inFrame++] = page;
                if (inFrame == batch.length) {
                    flush(batch, inFrame, pageSize);
                    sentHere += inFrame;
                    inFrame = 0;
                    long now = clock.nanoTime();
                    if (now - lastProgressNs > 100_000_000L) {
                        lastProgressNs = now;
                        progress.accept(sentHere);
                    }
                }
            }
        }
        if (inFrame > 0) {
            flush(batch, inFrame, pageSize);
            sentHere += inFrame;
        }
        drain(0);
        long elapsedNs = Math.max(1, clock.nanoTime() - startNs);
        if (sentHere > 0) {
            bandwidthBytesPerSec = sentHere * (double) pageSize * 1e9 / elapsedNs;
        }
        progress.accept(sentHere);
        return sentHere;
    }

    /** One MIG_PAGES frame, sized exactly and filled straight from the process's memory: no extra copies. */
    private void flush(long[] batch, int count, int pageSize) {
        int nameBytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        BodyWriter frame = new BodyWriter(4 + nameBytes + 4 + count * (8 + 4 + pageSize));
        frame.string(name).i32(count);
        for (int i = 0; i < count; i++) {
            frame.i64(batch[i]);
            int at = frame.reserveBytes(pageSize);
            memory.read(batch[i] * pageSize, frame.buffer(), at, pageSize);
        }
        byte[] body = frame.toBytesShared();
        drain(WINDOW - 1);
        inFlight.add(link.callAsync(Op.MIG_PAGES, body));
        pagesSent += count;
        bytesSent += body.length;
    }

    private void drain(int keep) {
        while (inFlight.size() > keep) {
            CompletableFuture<Frame> f = inFlight.poll();
            try {
                f.get(60, TimeUnit.SECONDS).expectOk();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof CaravanException ce ? ce
                        : new CaravanException(ErrorCode.UNAVAILABLE, "migration link broke: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw ErrorCode.TIMEOUT.exception("destination did not acknowledge pages within 60 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ErrorCode.UNAVAILABLE.exception("interrupted while sending pages");
            }
        }
    }

    long pagesSent() {
        return pagesSent;
    }

    long bytesSent() {
        return bytesSent;
    }

    /** Bytes per second of the last {@link #send}; 0 before the first. */
    double bandwidthBytesPerSec() {
        return bandwidthBytesPerSec;
    }

    static long count(long[] bits) {
        long n = 0;
        for (long w : bits) {
            n += Long.bitCount(w);
        }
        return n;
    }
}
