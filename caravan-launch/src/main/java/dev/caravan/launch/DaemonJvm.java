package dev.caravan.launch;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM settings of a daemon that users run ({@code caravan up}, {@code caravan node},
 * {@code caravan demo}, the benchmarks): a long-running server whose data lives off-heap.
 *
 * <ul>
 *   <li>Full JIT (the JVM's default tiered compilation up to C2): no {@code TieredStopAtLevel}.
 *       Stopping at C1 starts a JVM a little sooner and roughly halves the kv process's
 *       throughput; that trade is for short-lived test JVMs only (the test harness's fast
 *       options).</li>
 *   <li>{@value #COLLECTOR}: the Java heap holds only per-request garbage and small control
 *       state (a process's data is in off-heap pages), so the young collections of the
 *       throughput collector are short, and its barriers cost the request path least. Measured
 *       on redis-benchmark against the kv process (see {@code docs/performance.md}): G1 and
 *       generational ZGC served fewer requests per second on the same machine, and nothing
 *       here needs their concurrent old-generation work.</li>
 *   <li>Heap: {@value #DEFAULT_HEAP} unless configured ({@code --heap}); {@code -Xms} is left to
 *       the JVM, so an idle node does not hold its maximum.</li>
 *   <li>Anything else, or an override of the above, per node: {@code --jvm-option}, repeated;
 *       given last, so it wins over these defaults.</li>
 * </ul>
 *
 * Pure functions; thread-safe.
 */
public final class DaemonJvm {
    /** Heap of a node unless configured. */
    public static final String DEFAULT_HEAP = "1g";
    /** Heap of the naming service, which holds a small table. */
    public static final String NAMING_HEAP = "256m";
    /** The garbage collector of daemon JVMs. */
    public static final String COLLECTOR = "-XX:+UseParallelGC";
    /** The smallest heap accepted: below it a node cannot hold its buffers and tables. */
    static final long MIN_HEAP_BYTES = 64L << 20;

    private DaemonJvm() {
    }

    /**
     * The options for a daemon JVM: collector, {@code -Xmx<heap>}, then {@code extra} as given.
     *
     * @param heap  a size as users write it ({@code 1g}, {@code 512m})
     * @param extra further JVM options, each starting with {@code -}
     * @throws CaravanException INVALID_ARGUMENT for a heap that is not a size or below 64 MiB, or an
     *                          option that does not start with {@code -}
     */
    public static List<String> options(String heap, List<String> extra) {
        long bytes;
        try {
            bytes = Sizes.parse(heap);
        } catch (CaravanException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--heap: " + e.getMessage());
        }
        if (bytes < MIN_HEAP_BYTES) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--heap " + heap + " is below the 64m a node needs");
        }
        List<String> out = new ArrayList<>(List.of(COLLECTOR, "-Xmx" + (bytes >> 20) + "m"));
        for (String o : extra) {
            if (!o.startsWith("-")) {
                throw ErrorCode.INVALID_ARGUMENT.exception("--jvm-option '" + o + "' is not a JVM option (they start with -)");
            }
            out.add(o);
        }
        return List.copyOf(out);
    }

    /** {@link #options(String, List)} with the default heap and nothing extra. */
    public static List<String> defaults() {
        return options(DEFAULT_HEAP, List.of());
    }
}
