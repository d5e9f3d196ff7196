package dev.caravan.cli.commands.migration;

import dev.caravan.core.time.Clock;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationProgress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Renders migration progress: one self-overwriting line on a terminal, a line every half second
 * otherwise. Called from the connection's reader thread.
 */
final class ProgressBar implements Consumer<MigrationProgress> {
    private final PrintStream out;
    private final boolean tty = System.console() != null && System.console().isTerminal();
    private final Clock clock = Clock.system();
    private long lastPrintNs;
    private boolean printed;

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void accept(MigrationProgress p) {
        long now = clock.nanoTime();
        if (!tty && now - lastPrintNs < 500_000_000L && p.phase() != MigrationPhase.SWITCH_OVER) {
            return;
        }
        lastPrintNs = now;
        double done = p.statePages() == 0 ? 1 : Math.min(1, (double) Math.min(p.pagesSent(), p.statePages()) / p.statePages());
        int width = 24;
        int filled = (int) Math.round(done * width);
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        String line = String.format(Locale.ROOT, "[%s] %-14s round %2d  sent %s  dirty %d pages (%d/s)  %s/s  left %d pages  %s%s",
                bar, p.phase(), p.round(), Sizes.human(p.bytesSent()), p.dirtyPages(), p.dirtyPagesPerSec(),
                Sizes.human(p.bandwidthBytesPerSec()), p.remainingPages(), seconds(p.elapsedMs()),
                p.throttlePercent() > 0 ? "  throttle " + p.throttlePercent() + "%" : "");
        if (tty) {
            out.print("\r" + line + "   ");
        } else {
            out.println(line);
        }
        out.flush();
        printed = true;
    }

    synchronized void finish() {
        if (tty && printed) {
            out.println();
        }
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
}
