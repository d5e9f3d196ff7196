package dev.caravan.node;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.node.MigrationProtocol;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The source's half of post-copy after commit: answers the destination's page faults from the
 * frozen memory and pushes every other missing page in the background, jumping to the pages
 * after the most recent fault first (pre-paging), so that each page crosses the link once.
 *
 * <p>Threading: {@link #pushAll} runs on the migration thread; {@link #fetch} on control
 * connection threads. The "sent" bitmap is guarded by this object's lock.
 */
final class PostCopyPusher {
    private static final int WINDOW = 16;

    private final FrameClient link;
    private final String name;
    private final PagedMemory memory;
    private final Faults faults;
    private final long[] remaining;
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong fetchedBytes = new AtomicLong();
    private long pushed;
    private long pushedBytes;
    private volatile long hint = -1;
    private volatile String failure;

    PostCopyPusher(FrameClient link, String name, PagedMemory memory, Clock clock, Faults faults, long[] missing) {
        this.link = link;
        this.name = name;
        this.memory = memory;
        this.faults = faults;
        this.remaining = missing.clone();
    }

    /** A page the destination faulted on: sent at once, and its neighbours are pushed next. */
    byte[] fetch(long page) {
        synchronized (this) {
            clear(page);
        }
        byte[] b = new byte[memory.pageSizeBytes()];
        memory.readPage(page, b);
        fetched.incrementAndGet();
        fetchedBytes.addAndGet(b.length);
        hint = page + 1;
        return b;
    }

    private void clear(long page) {
        int w = (int) (page >>> 6);
        if (w < remaining.length) {
            remaining[w] &= ~(1L << page);
        }
    }

    private synchronized long takeNext(long from) {
        long total = (long) remaining.length << 6;
        for (long i = 0; i < total; i++) {
            long p = (from + i) % total;
            int w = (int) (p >>> 6);
            if (remaining[w] == 0) {
                i += 63 - (p & 63);
                continue;
            }
            if ((remaining[w] & (1L << p)) != 0) {
                remaining[w] &= ~(1L << p);
                return p;
            }
        }
        return -1;
    }

    /** Pushes until nothing is missing, then tells the destination; records a broken link as a failure. */
    void pushAll(LongConsumer progress) {
        ArrayDeque<CompletableFuture<Frame>> inFlight = new ArrayDeque<>();
        byte[] page = new byte[memory.pageSizeBytes()];
        long cursor = 0;
        try {
            while (true) {
                BodyWriter frame = new BodyWriter(16 + MigrationProtocol.PAGES_PER_FRAME * (page.length + 12));
                int n = 0;
                BodyWriter pages = new BodyWriter(MigrationProtocol.PAGES_PER_FRAME * (page.length + 12));
                while (n < MigrationProtocol.PAGES_PER_FRAME) {
                    long h = hint;
                    if (h >= 0) {
                        hint = -1;
                        cursor = h;
                    }
                    long p = takeNext(cursor);
                    if (p < 0) {
                        break;
                    }
                    cursor = p + 1;
                    memory.readPage(p, page);
                    pages.i64(p).bytes(page);
                    n++;
                }
                if (n == 0) {
                    break;
                }
                frame.string(name).i32(n);
                byte[] head = frame.toBytes();
                byte[] tail = pages.toBytes();
                byte[] body = new byte[head.length + tail.length];
                System.arraycopy(head, 0, body, 0, head.length);
                System.arraycopy(tail, 0, body, head.length, tail.length);
                while (inFlight.size() >= WINDOW) {
                    inFlight.poll().get(60, TimeUnit.SECONDS).expectOk();
                }
                inFlight.add(link.callAsync(Op.MIG_PAGES, body));
                pushed += n;
                pushedBytes += body.length;
                progress.accept(pushed);
                if (faults.hit("source", "push") && faults.action().equals("cut")) {
                    link.close();
                }
            }
            while (!inFlight.isEmpty()) {
                inFlight.poll().get(60, TimeUnit.SECONDS).expectOk();
            }
            link.call(Op.MIG_PUSH_DONE, new BodyWriter().string(name).toBytes(), java.time.Duration.ofSeconds(30)).expectOk();
        } catch (Exception e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    long pushed() {
        return pushed;
    }

    long fetched() {
        return fetched.get();
    }

    /** Bytes that crossed the link after resume: pushed frames and fetched pages. */
    long bytesAfterResume() {
        return pushedBytes + fetchedBytes.get();
    }

    String failure() {
        return failure;
    }
}
