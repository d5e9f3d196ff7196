package dev.caravan.lab.threads;

import dev.caravan.core.time.Clock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.locks.LockSupport;

/**
 * Context-switch ping-pong: two parties hand a token back and forth; one round trip is two
 * switches. Each side touches its own {@link WorkingSet} when it gets the token, which adds the
 * indirect (cache) cost the chapter describes. Each method runs the whole exchange and returns
 * nanoseconds per round trip; call from one driving thread at a time.
 */
public final class PingPong {
    /** The rounds are cut into this many blocks; the spread of their mean touch times is the noise of the mean. */
    static final int BLOCKS = 5;

    private final Clock clock;
    private double lastTouchNs;
    private double lastTouchSpreadNs;

    public PingPong(Clock clock) {
        this.clock = clock;
    }

    /** Two platform threads or two virtual threads handing over with park/unpark. */
    public double threadsNsPerRoundTrip(boolean virtual, int rounds, int wsBytes) {
        Handoff h = new Handoff();
        WorkingSet mine = new WorkingSet(wsBytes);
        WorkingSet theirs = new WorkingSet(wsBytes);
        Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform();
        long[] elapsed = new long[1];
        Thread pinger = builder.unstarted(() -> {
            h.pinger = Thread.currentThread();
            long t0 = clock.nanoTime();
            long[] blockNs = new long[BLOCKS];
            for (int i = 0; i < rounds; i++) {
                long a = clock.nanoTime();
                mine.touch();
                blockNs[block(i, rounds)] += clock.nanoTime() - a;
                h.pass(1);
                h.awaitTurn(0);
            }
            elapsed[0] = clock.nanoTime() - t0;
            recordTouches(blockNs, rounds);
            h.pass(-1);
        });
        Thread ponger = builder.unstarted(() -> {
            while (true) {
                h.awaitTurn(1);
                theirs.touch();
                if (h.stop) {
                    return;
                }
                h.pass(0);
            }
        });
        h.ponger = ponger;
        h.pinger = pinger;
        ponger.start();
        pinger.start();
        joinAll(pinger, ponger);
        return (double) elapsed[0] / rounds;
    }

    /** This process and a child {@link EchoPeer} process over two pipes (its stdin and stdout). */
    public double processesNsPerRoundTrip(int rounds, int wsBytes, boolean pinned) {
        WorkingSet mine = new WorkingSet(wsBytes);
        var cmd = ChildJvm.command(EchoPeer.class, Integer.toString(wsBytes));
        ProcessBuilder pb = new ProcessBuilder(pinned ? ChildJvm.pinnedToOneCpu(cmd) : cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            Process p = pb.start();
            try {
                double ns;
                // Closing stdin is how the peer learns to exit.
                try (OutputStream out = p.getOutputStream(); InputStream in = p.getInputStream()) {
                    long t0 = 0;
                    long[] blockNs = new long[BLOCKS];
                    int warmup = Math.max(10, rounds / 5);
                    for (int i = -warmup; i < rounds; i++) {
                        if (i == 0) {
                            t0 = clock.nanoTime();
                        }
                        long a = clock.nanoTime();
                        mine.touch();
                        long touched = clock.nanoTime() - a;
                        if (i >= 0) {
                            blockNs[block(i, rounds)] += touched;
                        }
                        out.write(1);
                        out.flush();
                        if (in.read() < 0) {
                            throw new IOException("echo peer exited early");
                        }
                    }
                    ns = (double) (clock.nanoTime() - t0) / rounds;
                    recordTouches(blockNs, rounds);
                }
                p.waitFor();
                return ns;
            } finally {
                p.destroy();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Mean time this side spent touching its working set right after getting the token back, in
     * the last ping-pong run by this object: the warm touch time plus the cache refill caused by
     * the other side running in between. Read it on the thread that ran the ping-pong.
     */
    public double lastTouchAfterSwitchNs() {
        return lastTouchNs;
    }

    /**
     * Half the spread of the mean touch-after-switch time between the {@link #BLOCKS} blocks of
     * rounds of the last ping-pong: how much that mean moves from run to run (its noise).
     */
    public double lastTouchSpreadNs() {
        return lastTouchSpreadNs;
    }

    private static int block(int round, int rounds) {
        return (int) ((long) round * BLOCKS / rounds);
    }

    private void recordTouches(long[] blockNs, int rounds) {
        long total = 0;
        double[] means = new double[BLOCKS];
        for (int b = 0; b < BLOCKS; b++) {
            total += blockNs[b];
            long inBlock = (long) (b + 1) * rounds / BLOCKS - (long) b * rounds / BLOCKS;
            means[b] = inBlock == 0 ? Double.NaN : (double) blockNs[b] / inBlock;
        }
        lastTouchNs = (double) total / rounds;
        lastTouchSpreadNs = dev.caravan.lab.report.Estimate.halfRange(means);
    }

    /** One thread touching a cache-warm working set: the work a switch adds, without the switch. */
    public double warmTouchNs(int wsBytes, int reps) {
        return warmTouchNs(new WorkingSet(wsBytes), reps);
    }

    /** {@link #warmTouchNs(int, int)} on a given set, so that repeated runs measure the same memory. */
    public double warmTouchNs(WorkingSet ws, int reps) {
        for (int i = 0; i < Math.max(3, reps / 5); i++) {
            ws.touch();
        }
        long t0 = clock.nanoTime();
        for (int i = 0; i < reps; i++) {
            ws.touch();
        }
        return (double) (clock.nanoTime() - t0) / reps;
    }

    private static void joinAll(Thread... threads) {
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The token: whose turn it is (0 pinger, 1 ponger); parks instead of spinning. */
    private static final class Handoff {
        volatile int turn = 0;
        volatile boolean stop;
        volatile Thread pinger;
        volatile Thread ponger;

        void pass(int to) {
            if (to < 0) {
                stop = true;
                to = 1;
            }
            turn = to;
            LockSupport.unpark(to == 0 ? pinger : ponger);
        }

        void awaitTurn(int me) {
            while (turn != me) {
                LockSupport.park(this);
            }
        }
    }
}
