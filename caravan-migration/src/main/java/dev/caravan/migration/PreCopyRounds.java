package dev.caravan.migration;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.node.PreCopyStop;

/**
 * The iterative part of pre-copy and hybrid: send every page, then the pages dirtied
 * meanwhile, round after round, while the process keeps serving (Clark et al., NSDI 2005).
 *
 * <p>Stop rules, as Xen's save loop and QEMU have them: what is left fits the downtime budget
 * at the measured bandwidth (pre-copy only), {@code maxRounds} rounds, three times the state
 * sent, or rounds that stop shrinking while the process is already throttled to the maximum.
 * Auto-converge: when a round does not shrink by 10 %, the process is throttled (20 %, then
 * +10 % a round, as QEMU does). Runs on the session's thread; touches process state only
 * through {@link ProcessRunner#onProcessThread}.
 */
final class PreCopyRounds {
    private final SourceSession session;
    private final CopyStrategy strategy;
    private final long maxDowntimeMs;
    private final Clock clock;
    private int rounds;
    private long lastDirty;
    private long roundPages;
    private double dirtyPagesPerSec;
    private int maxThrottlePercent;
    private PreCopyStop stop = PreCopyStop.NONE;

    PreCopyRounds(SourceSession session, CopyStrategy strategy, long maxDowntimeMs, Clock clock) {
        this.session = session;
        this.strategy = strategy;
        this.maxDowntimeMs = maxDowntimeMs;
        this.clock = clock;
    }

    /**
     * Runs the rounds; returns the dirty pages of the last round, taken but not sent, which the
     * final copy must include.
     */
    long[] run(PageStreamSender pages, ProcessRunner runner, PagedMemory memory) throws InterruptedException {
        // One step on the process thread: every page that exists now is sent in round 1, every
        // page written from now on is dirty. Taken apart, a chunk allocated in between would be in neither.
        long[] toSend = session.onProcess(() -> {
            memory.clearDirty();
            return memory.allocatedPageBitmap();
        });
        long previousDirty = Long.MAX_VALUE;
        int notShrinking = 0;
        while (true) {
            long roundStart = clock.nanoTime();
            roundPages = PageBits.count(toSend);
            pages.send(toSend, p -> false, session::progress);
            rounds++;
            session.afterRound(rounds);
            long[] dirty = session.onProcess(memory::takeDirtyPages);
            session.statePagesNow(memory.allocatedPages());
            lastDirty = PageBits.count(dirty);
            double roundSecs = Math.max(1e-6, (clock.nanoTime() - roundStart) / 1e9);
            dirtyPagesPerSec = lastDirty / roundSecs;
            toSend = dirty;
            roundPages = lastDirty;
            session.progress(0);
            double budgetBytes = pages.bandwidthBytesPerSec() * maxDowntimeMs / 1000.0;
            long statePages = Math.max(1, memory.allocatedPages());
            if (strategy.stopsWithinBudget() && lastDirty * (double) memory.pageSizeBytes() <= budgetBytes) {
                stop = PreCopyStop.WITHIN_BUDGET;
            } else if (rounds >= strategy.maxRounds()) {
                stop = strategy.stopsWithinBudget() ? PreCopyStop.MAX_ROUNDS : PreCopyStop.HYBRID_ROUNDS_DONE;
            } else if (pages.bytesSent() > 3L * statePages * memory.pageSizeBytes()) {
                stop = PreCopyStop.SENT_THREE_TIMES;
            }
            if (stop != PreCopyStop.NONE) {
                return toSend;
            }
            if (lastDirty >= previousDirty * 0.9) {
                notShrinking++;
                runner.throttlePercent(runner.throttlePercent() == 0 ? 20 : Math.min(99, runner.throttlePercent() + 10));
                maxThrottlePercent = Math.max(maxThrottlePercent, runner.throttlePercent());
                if (notShrinking >= 8 && runner.throttlePercent() >= 99) {
                    stop = PreCopyStop.NOT_CONVERGING;
                    return toSend;
                }
            }
            previousDirty = lastDirty;
        }
    }

    int rounds() {
        return rounds;
    }

    /** Pages of the round being sent; between rounds, of the next one (the pages just found dirty). */
    long roundPages() {
        return roundPages;
    }

    long lastDirty() {
        return lastDirty;
    }

    double dirtyPagesPerSec() {
        return dirtyPagesPerSec;
    }

    int maxThrottlePercent() {
        return maxThrottlePercent;
    }

    PreCopyStop stop() {
        return stop;
    }
}
