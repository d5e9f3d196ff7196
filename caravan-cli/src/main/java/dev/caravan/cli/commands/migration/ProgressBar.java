package dev.caravan.cli.commands.migration;

import dev.caravan.core.time.Clock;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationProgress;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Renders a migration's, clone's or checkpoint's progress on standard error (standard output
 * holds only the result). On a terminal: one line redrawn in place ({@code \r}, at most ten times
 * a second, the phase in colour unless {@code NO_COLOR} is set). Otherwise: plain lines, one per
 * phase or round and at most one every half second within one; {@link #finish} prints the last
 * figures if they were held back. Commands with {@code --json} do not create one.
 *
 * <p>Fields: phase, bytes and pages sent, the average rate since the first page, pages left; the
 * pre-copy rounds add round, dirty pages and throttle; post-copy and hybrid, once committed, add
 * the pages pushed and the faults served (with the pages they fetched).
 *
 * <p>Threading: {@link #accept} is called from the control connection's reader thread,
 * {@link #finish} from the command's thread; both synchronize on this object.
 */
final class ProgressBar implements Consumer<MigrationProgress> {
    private static final long TERMINAL_REDRAW_NS = 100_000_000L;
    private static final long LINE_EVERY_NS = 500_000_000L;

    private final PrintStream out;
    private final MigrationMode mode;
    private final boolean terminal;
    private final boolean colour;
    private final Clock clock;
    private long lastPrintNs;
    private MigrationPhase lastPhase;
    private int lastRound = -1;
    private MigrationProgress unprinted;
    private boolean printed;

    /** A bar on {@code err} for a move of {@code mode} (null: a checkpoint), styled for what {@code err} is. */
    ProgressBar(PrintStream err, MigrationMode mode) {
        this(err, mode, stderrIsTerminal(), System.getenv("NO_COLOR") == null || System.getenv("NO_COLOR").isEmpty(),
                Clock.system());
    }

    ProgressBar(PrintStream out, MigrationMode mode, boolean terminal, boolean colourWanted, Clock clock) {
        this.out = out;
        this.mode = mode;
        this.terminal = terminal;
        this.colour = terminal && colourWanted;
        this.clock = clock;
    }

    @Override
    public synchronized void accept(MigrationProgress p) {
        long now = clock.nanoTime();
        boolean stepChanged = p.phase() != lastPhase || p.round() != lastRound;
        if (!stepChanged && printed && now - lastPrintNs < (terminal ? TERMINAL_REDRAW_NS : LINE_EVERY_NS)) {
            unprinted = p;
            return;
        }
        print(p, now);
    }

    /** Prints the last figures if they were held back, and ends a terminal's line. */
    synchronized void finish() {
        if (unprinted != null) {
            print(unprinted, clock.nanoTime());
        }
        if (terminal && printed) {
            out.println();
            out.flush();
        }
    }

    private void print(MigrationProgress p, long now) {
        lastPrintNs = now;
        lastPhase = p.phase();
        lastRound = p.round();
        unprinted = null;
        printed = true;
        String line = line(p);
        if (terminal) {
            out.print("\r" + line + "\033[K");
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** One line of figures, without colour or control characters except the phase's colour on a terminal. */
    String line(MigrationProgress p) {
        double done = p.phase() == MigrationPhase.DONE || p.statePages() == 0 ? 1
                : Math.min(1, (double) Math.min(p.pagesSent(), p.statePages()) / p.statePages());
        int width = 20;
        int filled = (int) Math.round(done * width);
        String phase = String.format(Locale.ROOT, "%-11s", p.phase());
        StringBuilder b = new StringBuilder();
        b.append('[').append("#".repeat(filled)).append("-".repeat(width - filled)).append("] ")
                .append(colour ? "\033[1;36m" + phase + "\033[0m" : phase);
        b.append(String.format(Locale.ROOT, "  %s %s (%d pages)  %s/s  left %d pages", mode == null ? "written" : "sent", Sizes.human(p.bytesSent()), p.pagesSent(),
                Sizes.human(p.bandwidthBytesPerSec()), p.remainingPages()));
        if (showsRounds(p)) {
            b.append(String.format(Locale.ROOT, "  round %d  dirty %d pages (%d/s)", p.round(), p.dirtyPages(),
                    p.dirtyPagesPerSec()));
        }
        if (p.throttlePercent() > 0) {
            b.append("  throttle ").append(p.throttlePercent()).append('%');
        }
        if (showsPostCopy(p)) {
            b.append(String.format(Locale.ROOT, "  pushed %d pages  faults %d (%d pages)", p.pagesPushed(), p.faultsServed(),
                    p.pagesFetched()));
        }
        b.append(String.format(Locale.ROOT, "  %.1fs", p.elapsedMs() / 1000.0));
        return b.toString();
    }

    private boolean showsRounds(MigrationProgress p) {
        if (mode == null) {
            return p.round() > 0;
        }
        return (mode == MigrationMode.PRE_COPY || mode == MigrationMode.HYBRID) && p.phase().compareTo(MigrationPhase.COMMITTED) < 0;
    }

    private boolean showsPostCopy(MigrationProgress p) {
        return (mode == MigrationMode.POST_COPY || mode == MigrationMode.HYBRID)
                && (p.phase() == MigrationPhase.COMMITTED || p.phase() == MigrationPhase.PUSHING || p.phase() == MigrationPhase.DONE);
    }

    /**
     * Whether standard error is a terminal. Java has no isatty for stderr: on Linux, where fd 2
     * points to tells; elsewhere the console's answer (about stdin and stdout) stands in for it.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null && System.console().isTerminal();
        }
    }
}
