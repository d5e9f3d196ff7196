package dev.caravan.migration.testkit;

import dev.caravan.core.process.ProcessId;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.CheckpointFormat;
import dev.caravan.wire.node.MigrationMessages;
import dev.caravan.wire.node.MigrationProtocol;
import dev.caravan.wire.node.ProcessSpec;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Restores a checkpoint file onto a test node the way caravan-client's CheckpointRestorer does:
 * it plays the migration source (MIG_BEGIN, MIG_PAGES, MIG_RESOURCES, MIG_COMMIT) over the
 * node's control port, under a new name with a fresh id at epoch 1, and refuses a name that
 * naming says is running. Whatever fails, it sends MIG_ABORT.
 */
public final class TestRestorer {
    private TestRestorer() {
    }

    public static void restore(TestCluster cluster, Path file, TestNode onto, String newName) throws IOException {
        try (FrameClient link = FrameClient.connect(onto.controlSocketAddress(), new Hello("restore", ""), Duration.ofSeconds(5));
             InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            Visitor v = new Visitor(cluster, link, newName);
            try {
                CheckpointFormat.read(in, v);
                v.flush();
                for (CompletableFuture<Frame> f : v.sent) {
                    try {
                        f.join().expectOk();
                    } catch (java.util.concurrent.CompletionException e) {
                        throw e.getCause() instanceof RuntimeException r ? r : e;
                    }
                }
                link.call(Op.MIG_RESOURCES, new BodyWriter().string(newName).i32(0).toBytes(), Duration.ofSeconds(5))
                        .expectOk();
                link.call(Op.MIG_COMMIT, new MigrationMessages.Commit(newName, v.stateVersion, v.state, new long[0], "",
                        v.replies).encode(), Duration.ofSeconds(5)).expectOk();
            } catch (IOException | RuntimeException e) {
                if (v.begun) {
                    link.callAsync(Op.MIG_ABORT, MigrationMessages.nameOnly(newName));
                }
                throw e;
            }
        }
    }

    private static final class Visitor implements CheckpointFormat.Visitor {
        private final TestCluster cluster;
        private final FrameClient link;
        private final String name;
        private final List<CompletableFuture<Frame>> sent = new ArrayList<>();
        private int pageSize;
        private MigrationMessages.PagesFrame frame;
        private boolean begun;
        private int stateVersion;
        private byte[] state;
        private List<MigrationMessages.RecentReply> replies = List.of();

        Visitor(TestCluster cluster, FrameClient link, String name) {
            this.cluster = cluster;
            this.link = link;
            this.name = name;
        }

        @Override
        public void onHeader(CheckpointFormat.Header h) {
            if (cluster.owner(name).isPresent()) {
                throw ErrorCode.ALREADY_EXISTS.exception("process " + name + " is running; restore under another name");
            }
            ProcessSpec s = h.spec();
            ProcessSpec spec = new ProcessSpec(name, s.sample(), s.bundleHash(), s.className(), s.memoryBytes(), s.config());
            pageSize = h.pageSizeBytes();
            link.call(Op.MIG_BEGIN, new MigrationMessages.Begin(spec, ProcessId.random().toString(), 1, "", "checkpoint", "",
                    MigrationMessages.Allocation.ON_ARRIVAL, new long[0]).encode(), Duration.ofSeconds(5)).expectOk();
            begun = true;
        }

        @Override
        public void onPage(long page, byte[] content) {
            if (frame == null) {
                frame = new MigrationMessages.PagesFrame(name, MigrationProtocol.PAGES_PER_FRAME, pageSize);
            }
            frame.add(page, content);
            if (frame.pages() == MigrationProtocol.PAGES_PER_FRAME) {
                flush();
            }
        }

        @Override
        public void onState(int version, byte[] content) {
            stateVersion = version;
            state = content;
        }

        @Override
        public void onRecentReplies(List<MigrationMessages.RecentReply> r) {
            replies = r;
        }

        void flush() {
            if (frame == null) {
                return;
            }
            byte[] body = frame.toBytes();
            sent.add(link.callAsync(Op.MIG_PAGES, body));
            frame = null;
        }
    }
}
