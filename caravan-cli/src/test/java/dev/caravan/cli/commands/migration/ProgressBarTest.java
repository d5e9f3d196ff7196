package dev.caravan.cli.commands.migration;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationProgress;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressBarTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final SteppedClock clock = new SteppedClock();

    private static MigrationProgress at(MigrationPhase phase, long pagesSent, long bytesSent, long left, long pushed,
                                        long fetched, long faults) {
        return new MigrationProgress(phase, 0, pagesSent, 1000, bytesSent, 0, 0, bytesSent == 0 ? 0 : 4_000_000, left, 100,
                0, pushed, fetched, faults);
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void shouldShowPostCopysPushAndFaultsWithTheBytesTheyMoved() {
        ProgressBar bar = new ProgressBar(err, MigrationMode.POST_COPY, false, true, clock);

        bar.accept(at(MigrationPhase.COMMITTED, 0, 0, 1000, 0, 0, 0));
        bar.accept(at(MigrationPhase.PUSHING, 600, 2_500_000, 400, 560, 40, 5));
        bar.accept(at(MigrationPhase.DONE, 1000, 4_200_000, 0, 940, 60, 7));
        bar.finish();

        assertThat(lines()).hasSize(3);
        assertThat(lines().get(1)).contains("pushing").contains("sent 2.4 MiB (600 pages)").contains("3.8 MiB/s")
                .contains("left 400 pages").contains("pushed 560 pages").contains("faults 5 (40 pages)");
        assertThat(lines().get(2)).contains("done").contains("left 0 pages").contains("pushed 940 pages")
                .startsWith("[####################]");
    }

    @Test
    void shouldWritePlainLinesWithoutCarriageReturnsOrColourWhenNotATerminal() {
        ProgressBar bar = new ProgressBar(err, MigrationMode.PRE_COPY, false, true, clock);

        bar.accept(at(MigrationPhase.ROUNDS, 100, 409_600, 900, 0, 0, 0));
        bar.finish();

        String all = bytes.toString(StandardCharsets.UTF_8);
        assertThat(all).doesNotContain("\r").doesNotContain("\033").contains("round 0  dirty 0 pages");
        assertThat(all).doesNotContain("pushed");
    }

    @Test
    void shouldRedrawOneLineInColourOnATerminalUnlessColourIsOff() {
        new ProgressBar(err, MigrationMode.STOP_AND_COPY, true, true, clock).accept(at(MigrationPhase.LAST_PAGES, 1, 4096, 999, 0,
                0, 0));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("\r[").contains("\033[1;36m").doesNotContain("\n");

        bytes.reset();
        new ProgressBar(err, MigrationMode.STOP_AND_COPY, true, false, clock).accept(at(MigrationPhase.LAST_PAGES, 1, 4096, 999,
                0, 0, 0));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("\r[").doesNotContain("\033[1;36m");
    }

    @Test
    void shouldPrintEveryPhaseAndTheHeldBackLastFiguresAtTheEnd() {
        ProgressBar bar = new ProgressBar(err, MigrationMode.STOP_AND_COPY, false, true, clock);

        bar.accept(at(MigrationPhase.LAST_PAGES, 0, 0, 1000, 0, 0, 0));
        clock.advanceMs(100);
        bar.accept(at(MigrationPhase.LAST_PAGES, 500, 2_048_000, 500, 0, 0, 0));
        clock.advanceMs(100);
        bar.accept(at(MigrationPhase.LAST_PAGES, 1000, 4_096_000, 0, 0, 0, 0));
        assertThat(lines()).as("within half a second of the last line, a line is held back").hasSize(1);
        bar.finish();

        assertThat(lines()).hasSize(2);
        assertThat(lines().get(1)).contains("left 0 pages");
    }

    /** A clock the test moves. */
    private static final class SteppedClock implements Clock {
        private long nanos = 1_000_000_000L;

        void advanceMs(long ms) {
            nanos += ms * 1_000_000L;
        }

        @Override
        public long nowMs() {
            return nanos / 1_000_000L;
        }

        @Override
        public long nanoTime() {
            return nanos;
        }
    }
}
