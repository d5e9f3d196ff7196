package dev.caravan.lab.threads;

import dev.caravan.core.time.Clock;

/**
 * Runs ping-pongs in a fresh JVM so the lab can pin it (and its echo child) to one CPU with
 * {@code taskset}: then every handoff is a real context switch on that CPU rather than a wake-up
 * on another core. Usage: {@code SwitchBench <process|platform|virtual|touch> <rounds> <wsBytes>...};
 * prints one line {@code <wsBytes> <nsPerRoundTrip> <touchAfterSwitchNs> <touchSpreadNs>} per size,
 * where the spread is half the range of the mean touch time between blocks of rounds (its noise).
 * For {@code touch} the first two numbers are both the ns per warm touch (median of
 * {@link #TOUCH_RUNS} repeated runs) and the spread is half the range of those runs.
 */
public final class SwitchBench {
    /** Repeated runs of the warm-touch baseline, whose spread is its noise floor. */
    static final int TOUCH_RUNS = 5;

    private SwitchBench() {
    }

    public static void main(String[] args) {
        String mode = args[0];
        int rounds = Integer.parseInt(args[1]);
        PingPong pp = new PingPong(Clock.system());
        // Compile the touch loop before measuring anything: the first sizes would otherwise run interpreted.
        WorkingSet warm = new WorkingSet(256 << 10);
        for (int i = 0; i < 2_000; i++) {
            warm.touch();
        }
        for (int i = 2; i < args.length; i++) {
            int ws = Integer.parseInt(args[i]);
            int r = roundsFor(rounds, ws);
            double ns = switch (mode) {
                case "process" -> pp.processesNsPerRoundTrip(r, ws, false);
                case "platform" -> {
                    pp.threadsNsPerRoundTrip(false, Math.max(10, r / 5), ws);
                    yield pp.threadsNsPerRoundTrip(false, r, ws);
                }
                case "virtual" -> {
                    pp.threadsNsPerRoundTrip(true, Math.max(10, r / 5), ws);
                    yield pp.threadsNsPerRoundTrip(true, r, ws);
                }
                case "touch" -> {
                    double[] runs = new double[TOUCH_RUNS];
                    WorkingSet set = new WorkingSet(ws);
                    for (int k = 0; k < runs.length; k++) {
                        runs[k] = pp.warmTouchNs(set, r);
                    }
                    double spread = dev.caravan.lab.report.Estimate.halfRange(runs);
                    java.util.Arrays.sort(runs);
                    System.out.println(ws + " " + runs[runs.length / 2] + " " + runs[runs.length / 2] + " " + spread);
                    yield Double.NaN;
                }
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            };
            if (!mode.equals("touch")) {
                System.out.println(ws + " " + ns + " " + pp.lastTouchAfterSwitchNs() + " " + pp.lastTouchSpreadNs());
            }
        }
    }

    /** Fewer rounds for big working sets, so each size costs about the same time. */
    public static int roundsFor(int rounds, int wsBytes) {
        long budget = 1L << 31;
        long byWs = wsBytes == 0 ? rounds : budget / (2L * wsBytes);
        return (int) Math.max(30, Math.min(rounds, byWs));
    }
}
