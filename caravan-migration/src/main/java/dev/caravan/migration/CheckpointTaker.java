package dev.caravan.migration;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.CheckpointFormat;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Writes a consistent checkpoint of a running process, pre-copy style: every page while it
 * runs, then the pages dirtied meanwhile, a few rounds, and only the last few pages and the
 * object state during a short freeze. The file is consistent as of that freeze (later records
 * of a page replace earlier ones). It appears under its final name only when complete.
 * Runs on the control thread that asked for it.
 */
final class CheckpointTaker {
    private static final int MAX_ROUNDS = 5;
    private static final long SMALL_ENOUGH_PAGES = 256;

    private final String nodeId;
    private final Clock clock;
    private final MigrationSettings settings;

    CheckpointTaker(String nodeId, Clock clock, MigrationSettings settings) {
        this.nodeId = nodeId;
        this.clock = clock;
        this.settings = settings;
    }

    MigrationReport take(MovableProcess hosted, Path target, Consumer<MigrationProgress> progress)
            throws IOException, InterruptedException {
        long start = clock.nanoTime();
        ProcessRunner runner = hosted.runner();
        PagedMemory memory = hosted.memory();
        int pageSize = memory.pageSizeBytes();
        Path dir = target.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long downtimeMicros;
        long freezeAtMs;
        long written;
        int rounds = 0;
        // In the header, so that a restore into code that cannot read it is refused before its pages go.
        int stateVersion = await(runner.onProcessThread(() -> runner.process().stateVersion()));
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(part), 1 << 20);
             CheckpointFormat.Writer w = new CheckpointFormat.Writer(raw, new CheckpointFormat.Header(hosted.spec(),
                     runner.id().toString(), runner.epoch(), pageSize, java.util.OptionalInt.of(stateVersion)))) {
            long[] toWrite = await(runner.onProcessThread(() -> {
                memory.clearDirty();
                return memory.allocatedPageBitmap();
            }));
            byte[] buf = new byte[pageSize];
            long statePages = PageBits.count(toWrite);
            long pagesWritten = 0;
            while (true) {
                pagesWritten += writePages(w, memory, toWrite, buf);
                rounds++;
                toWrite = await(runner.onProcessThread(memory::takeDirtyPages));
                long dirty = PageBits.count(toWrite);
                progress.accept(checkpointProgress(MigrationPhase.CHECKPOINT, rounds, pagesWritten, statePages,
                        w.bytesWritten(), dirty, start));
                if (dirty <= SMALL_ENOUGH_PAGES || rounds >= MAX_ROUNDS) {
                    break;
                }
            }
            long freezeNs = clock.nanoTime();
            freezeAtMs = TimeUnit.NANOSECONDS.toMillis(freezeNs - start);
            await(runner.suspend());
            try {
                long[] last = await(runner.onProcessThread(memory::takeDirtyPages));
                for (int i = 0; i < last.length; i++) {
                    last[i] |= toWrite[i];
                }
                pagesWritten += writePages(w, memory, last, buf);
                byte[] state = await(runner.onProcessThread(() -> {
                    BodyWriter sw = new BodyWriter();
                    runner.process().writeState(sw);
                    return sw.toBytes();
                }));
                w.state(stateVersion, state);
                w.recentReplies(hosted.recentReplies().snapshot());
            } finally {
                runner.resume();
            }
            downtimeMicros = TimeUnit.NANOSECONDS.toMicros(clock.nanoTime() - freezeNs);
            w.finish();
            written = w.bytesWritten();
            progress.accept(checkpointProgress(MigrationPhase.DONE, rounds, pagesWritten, statePages, written, 0, start));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new MigrationReport(hosted.spec().name(), nodeId, target.toString(), dev.caravan.wire.node.MigrationMode.PRE_COPY,
                dev.caravan.wire.node.MigrationOutcome.CHECKPOINTED, dev.caravan.wire.node.MigrationPhase.DONE, runner.epoch(),
                TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - start), downtimeMicros, memory.allocatedBytes(), written, rounds,
                dev.caravan.wire.node.PreCopyStop.NONE, 0, 0, freezeAtMs, 0, 0, 0, MigrationReport.FaultStats.NONE,
                MigrationReport.SwitchOverTimes.NONE, MigrationReport.DestinationCosts.NONE, target.toString());
    }

    /** Progress of a checkpoint: pages and bytes written so far, at the average rate since it started. */
    private MigrationProgress checkpointProgress(MigrationPhase phase, int rounds, long pagesWritten, long statePages,
                                                 long bytesWritten, long dirty, long startNs) {
        long elapsedNs = Math.max(TimeUnit.MILLISECONDS.toNanos(1), clock.nanoTime() - startNs);
        long rate = bytesWritten == 0 ? 0 : (long) Math.max(1, bytesWritten * 1e9 / elapsedNs);
        return new MigrationProgress(phase, rounds, pagesWritten, statePages, bytesWritten, dirty, 0, rate, dirty,
                TimeUnit.NANOSECONDS.toMillis(elapsedNs), 0, 0, 0, 0);
    }

    private static long writePages(CheckpointFormat.Writer w, PagedMemory memory, long[] pages, byte[] buf) throws IOException {
        long n = 0;
        for (int i = 0; i < pages.length; i++) {
            long word = pages[i];
            while (word != 0) {
                long page = ((long) i << 6) + Long.numberOfTrailingZeros(word);
                word &= word - 1;
                memory.readPage(page, buf);
                w.page(page, buf);
                n++;
            }
        }
        return n;
    }

    private <T> T await(java.util.concurrent.CompletableFuture<T> f) throws InterruptedException {
        try {
            return f.get(settings.processStepTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw ErrorCode.PROCESS_FAILED.exception("checkpoint step failed on the process thread: " + e.getCause());
        } catch (TimeoutException e) {
            throw ErrorCode.TIMEOUT.exception("the process did not answer a checkpoint step within " + settings.processStepTimeoutMs() + " ms");
        }
    }
}
