package dev.caravan.lab.threads;

import dev.caravan.core.time.Clock;

/**
 * Runs ping-pongs in a fresh JVM so the lab can pin it (and its echo child) to one CPU with
 * {@code taskset}: then every handoff is a real context switch on that CPU rather than a wake-up
 * on another core. Usage: {@code SwitchBench <process|platform|virtual|touch> <rounds> <wsBytes>...};
 * prints one line {@code <wsBytes> <nsPerRoundTrip> <touchAfterSwitchNs>} per size (for {@code touch}:
 * ns per warm touch).
 */
public final class SwitchBench {
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
                case "touch" -> pp.warmTouchNs(ws, r);
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            };
            System.out.println(ws + " " + ns + " " + pp.lastTouchAfterSwitchNs());
        }
    }

    /** Fewer rounds for big working sets, so each size costs about the same time. */
    public static int roundsFor(int rounds, int wsBytes) {
        long budget = 1L << 31;
        long byWs = wsBytes == 0 ? rounds : budget / (2L * wsBytes);
        return (int) Math.max(30, Math.min(rounds, byWs));
    }
}
