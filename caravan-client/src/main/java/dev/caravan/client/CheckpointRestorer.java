package dev.caravan.client;

import dev.caravan.core.process.ProcessId;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.CheckpointFormat;
import dev.caravan.wire.node.MigrationMessages;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.PreCopyStop;
import dev.caravan.wire.node.MigrationProtocol;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.ProcessSpec;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Restores a checkpoint file on a node: this client plays the migration source (the node cannot
 * tell the difference), streaming the file's pages and committing only after the whole file has
 * been read and its CRC verified; a corrupt or truncated file aborts and leaves nothing behind.
 * Not thread-safe; one restore per instance.
 */
public final class CheckpointRestorer {
    private static final int WINDOW = 16;

    private final CaravanClient client;
    private final String token;

    public CheckpointRestorer(CaravanClient client, String token) {
        this.client = client;
        this.token = token;
    }

    /**
     * @param newName run it under this name (a fresh process id, epoch 1); null keeps the name, which must
     *                then not be registered (restoring over a live process would make two of it)
     */
    public MigrationReport restore(Path file, String nodeId, InetSocketAddress control, String newName) throws IOException {
        return restore(file, nodeId, control, newName, "");
    }

    /**
     * Restores into another build of the process's bundle: {@code bundle} (a hash, "" for the
     * checkpoint's own) runs the checkpoint's class at the node, which pulls it if missing. Its code
     * must read the checkpoint's state version, or the node refuses with UNSUPPORTED_VERSION before
     * anything is registered: at MIG_BEGIN, before any page is sent, for a version-3 file (its header
     * says the version); at MIG_COMMIT for an older file (its state record comes last).
     */
    public MigrationReport restore(Path file, String nodeId, InetSocketAddress control, String newName, String bundle)
            throws IOException {
        long start = Clock.system().nanoTime();
        try (FrameClient link = FrameClient.connect(control, new Hello("restore", token), Duration.ofSeconds(30), dev.caravan.wire.net.ClientTransport.current());
             InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            Session s = new Session(link, newName, bundle);
            try {
                CheckpointFormat.read(in, s);
                s.flush();
                s.drain(0);
                // No resources travel with a checkpoint: the node binds what the code declares.
                link.call(Op.MIG_RESOURCES, new BodyWriter().string(s.name).i32(0).toBytes(), Duration.ofSeconds(60)).expectOk();
                link.call(Op.MIG_COMMIT, new MigrationMessages.Commit(s.name, s.stateVersion, s.state, new long[0], "",
                        s.recentReplies).encode(), Duration.ofSeconds(60)).expectOk();
            } catch (IOException | RuntimeException e) {
                if (s.name != null) {
                    link.callAsync(Op.MIG_ABORT, new BodyWriter().string(s.name).toBytes());
                }
                throw e;
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(Clock.system().nanoTime() - start);
            return new MigrationReport(s.name, file.toString(), nodeId, MigrationMode.STOP_AND_COPY, MigrationOutcome.RESTORED,
                    MigrationPhase.DONE, s.epoch, ms, 0, s.pages * (long) s.pageSize, s.bytes, 1, PreCopyStop.NONE, 0, 0, -1, 0, 0,
                    0, MigrationReport.FaultStats.NONE, MigrationReport.SwitchOverTimes.NONE,
                    MigrationReport.DestinationCosts.NONE, "from " + file);
        }
    }

    private final class Session implements CheckpointFormat.Visitor {
        private final FrameClient link;
        private final String newName;
        private final String bundle;
        private final ArrayDeque<CompletableFuture<Frame>> inFlight = new ArrayDeque<>();
        private String name;
        private long epoch;
        private int pageSize;
        private int stateVersion;
        private java.util.List<MigrationMessages.RecentReply> recentReplies = java.util.List.of();
        private byte[] state;
        private MigrationMessages.PagesFrame frame;
        private long pages;
        private long bytes;

        Session(FrameClient link, String newName, String bundle) {
            this.link = link;
            this.newName = newName;
            this.bundle = bundle;
        }

        @Override
        public void onHeader(CheckpointFormat.Header h) {
            ProcessSpec spec = h.spec();
            String id = h.processId();
            epoch = h.epoch() + 1;
            if (newName != null) {
                spec = new ProcessSpec(newName, spec.sample(), spec.bundleHash(), spec.className(), spec.memoryBytes(), spec.config());
                id = ProcessId.random().toString();
                epoch = 1;
            }
            if (!bundle.isEmpty()) {
                if (spec.bundleHash().isEmpty()) {
                    throw ErrorCode.INVALID_ARGUMENT.exception("the checkpoint holds the built-in sample " + spec.sample()
                            + "; only a process deployed from a bundle can be restored into another bundle");
                }
                spec = new ProcessSpec(spec.name(), "", bundle, spec.className(), spec.memoryBytes(), spec.config());
            }
            if (client.resolve(spec.name()).isPresent()) {
                throw ErrorCode.ALREADY_EXISTS.exception("process " + spec.name() + " is running; stop it first or restore with --name");
            }
            name = spec.name();
            pageSize = h.pageSizeBytes();
            // A version-3 file says its state version up front: code that cannot read it refuses before any page goes.
            link.call(Op.MIG_BEGIN, new MigrationMessages.Begin(spec, id, epoch, "", "checkpoint", "",
                    MigrationMessages.Allocation.ON_ARRIVAL, new long[0], h.stateVersion()).encode(), Duration.ofSeconds(60))
                    .expectOk();
        }

        @Override
        public void onPage(long page, byte[] content) {
            if (frame == null) {
                frame = new MigrationMessages.PagesFrame(name, MigrationProtocol.PAGES_PER_FRAME, pageSize);
            }
            frame.add(page, content);
            pages++;
            if (frame.pages() == MigrationProtocol.PAGES_PER_FRAME) {
                flush();
            }
        }

        @Override
        public void onRecentReplies(java.util.List<MigrationMessages.RecentReply> replies) {
            recentReplies = replies;
        }

        @Override
        public void onState(int version, byte[] content) {
            stateVersion = version;
            state = content;
        }

        void flush() {
            if (frame == null) {
                return;
            }
            byte[] body = frame.toBytes();
            drain(WINDOW - 1);
            inFlight.add(link.callAsync(Op.MIG_PAGES, body));
            bytes += body.length;
            frame = null;
        }

        void drain(int keep) {
            while (inFlight.size() > keep) {
                try {
                    inFlight.poll().get(60, TimeUnit.SECONDS).expectOk();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof CaravanException ce ? ce
                            : new CaravanException(ErrorCode.UNAVAILABLE, "restore link broke: " + e.getCause());
                } catch (TimeoutException e) {
                    throw ErrorCode.TIMEOUT.exception("node did not acknowledge pages within 60 s");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw ErrorCode.UNAVAILABLE.exception("interrupted");
                }
            }
        }
    }
}
