package dev.caravan.migration;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.node.MigrationMessages;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationProtocol;
import dev.caravan.wire.node.MigrationReport;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The source's half of post-copy after commit (Hines &amp; Gopalan, VEE 2009): answers the
 * destination's page faults from the frozen memory — the faulting page and up to the asked
 * number of following pages still missing (pre-paging) in one reply — and pushes every other
 * missing page in the background, jumping to the pages after the latest fault, so that each
 * page crosses the link once. Faults arrive on their own connection (see
 * {@link SourcePageFetcher}), so a push frame never delays a fault's answer on the wire.
 *
 * <p>Threading: {@link #pushAll} runs on the migration thread; {@link #fetch} on control
 * connection threads. The "remaining" bitmap is guarded by this object's lock.
 */
final class PostCopyPusher {
    /**
     * Push frames in flight at once. Small on purpose: on a 2-core machine 16 frames in flight
     * took CPU from the resumed process and doubled its clients' worst latency (bench migration:
     * max 214–399 ms at 16, 105 ms at 4), while the push took no longer.
     */
    private static final int WINDOW = 4;

    private final MigrationHost host;
    private volatile FrameClient link;
    private final String name;
    private final PagedMemory memory;
    private final Faults faults;
    private final long ackTimeoutMs;
    private final long[] remaining;
    private long remainingCount;
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong fetchedBytes = new AtomicLong();
    private final AtomicLong faultsServed = new AtomicLong();
    private volatile long pushed;
    private volatile long pushedBytes;
    private volatile long hint = -1;
    private volatile String failure;

    PostCopyPusher(MigrationHost host, FrameClient link, String name, PagedMemory memory, Faults faults, long[] missing,
                   long ackTimeoutMs) {
        this.host = host;
        this.link = link;
        this.name = name;
        this.memory = memory;
        this.faults = faults;
        this.ackTimeoutMs = ackTimeoutMs;
        this.remaining = missing.clone();
        this.remainingCount = PageBits.count(remaining);
    }

    /**
     * A fault: the page itself and up to {@code around} following pages that are still missing,
     * as {@code i32 n, n × (i64 page, bytes)}; the push continues after them.
     */
    byte[] fetch(long page, int around) {
        long[] send = new long[1 + around];
        int n = 0;
        synchronized (this) {
            clear(page);
            send[n++] = page;
            long total = (long) remaining.length << 6;
            for (long p = page + 1; p < total && n < send.length; p++) {
                if (clear(p)) {
                    send[n++] = p;
                }
            }
        }
        BodyWriter w = new BodyWriter(8 + n * (memory.pageSizeBytes() + 12)).i32(n);
        byte[] buf = new byte[memory.pageSizeBytes()];
        for (int i = 0; i < n; i++) {
            memory.readPage(send[i], buf);
            w.i64(send[i]).bytes(buf);
        }
        byte[] answer = w.toBytes();
        fetched.addAndGet(n);
        fetchedBytes.addAndGet(answer.length);
        faultsServed.incrementAndGet();
        hint = send[n - 1] + 1;
        return answer;
    }

    /** Clears page {@code p}; true if it was still missing. Caller holds the lock. */
    private boolean clear(long p) {
        int w = (int) (p >>> 6);
        if (w < remaining.length && (remaining[w] & (1L << p)) != 0) {
            remaining[w] &= ~(1L << p);
            remainingCount--;
            return true;
        }
        return false;
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
            if (clear(p)) {
                return p;
            }
        }
        return -1;
    }

    synchronized long remaining() {
        return remainingCount;
    }

    /**
     * Pushes until nothing is missing, then tells the destination and returns the fault
     * statistics it answers with; records a broken link as a {@link #failure}.
     */
    MigrationReport.FaultStats pushAll(LongConsumer progress) {
        ArrayDeque<CompletableFuture<Frame>> inFlight = new ArrayDeque<>();
        byte[] page = new byte[memory.pageSizeBytes()];
        long cursor = 0;
        boolean faultFired = false;
        try {
            while (true) {
                MigrationMessages.PagesFrame frame = new MigrationMessages.PagesFrame(name, MigrationProtocol.PAGES_PER_FRAME,
                        page.length);
                while (frame.pages() < MigrationProtocol.PAGES_PER_FRAME) {
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
                    frame.add(p, page);
                }
                int n = frame.pages();
                if (n == 0) {
                    break;
                }
                byte[] body = frame.toBytes();
                while (inFlight.size() >= WINDOW) {
                    inFlight.poll().get(ackTimeoutMs, TimeUnit.MILLISECONDS).expectOk();
                }
                inFlight.add(link.callAsync(Op.MIG_PAGES, body));
                pushed += n;
                pushedBytes += body.length;
                progress.accept(n);
                if (!faultFired) {
                    faultFired = true;
                    if (faults.hit(Faults.Role.SOURCE, MigrationPhase.PUSHING, host)) {
                        link.close();
                    }
                }
            }
            while (!inFlight.isEmpty()) {
                inFlight.poll().get(ackTimeoutMs, TimeUnit.MILLISECONDS).expectOk();
            }
            BodyReader r = link.call(Op.MIG_PUSH_DONE, MigrationMessages.pushDone(name), Duration.ofMillis(ackTimeoutMs))
                    .expectOk();
            return MigrationReport.FaultStats.readFrom(r);
        } catch (Exception e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return MigrationReport.FaultStats.NONE;
        }
    }

    /** Pushes on {@code newLink} from now on (the first one broke with a commit's answer; the destination owns the process). */
    void relink(FrameClient newLink) {
        this.link = newLink;
    }

    long pushed() {
        return pushed;
    }

    /** Pages sent in answer to faults (each fault's page and its pre-paged neighbours). */
    long fetched() {
        return fetched.get();
    }

    /** Fault requests answered. */
    long faultsServed() {
        return faultsServed.get();
    }

    /** Bytes that crossed the link after resume: pushed frames and fault answers, as encoded. */
    long bytesAfterResume() {
        return pushedBytes + fetchedBytes.get();
    }

    String failure() {
        return failure;
    }
}
