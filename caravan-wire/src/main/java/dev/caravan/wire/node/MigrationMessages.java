package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.CommandCodec;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;

/**
 * The one codec of the migration messages (sequence drawn in {@link MigrationProtocol}): every
 * body a migration source, a destination or a restoring client sends or answers is encoded and
 * decoded here. Stateless; every decoder checks counts before allocating and expects the end.
 */
public final class MigrationMessages {
    /** Words of a page or chunk bitmap one message carries at most (2^26 words = 2^32 pages). */
    public static final int MAX_BITMAP_WORDS = 1 << 26;
    /** Recent replies one commit carries at most. */
    public static final int MAX_RECENT_REPLIES = 64 * 1024;

    private MigrationMessages() {
    }

    /** When the destination allocates the memory of an arriving process. Wire value in parentheses. */
    public enum Allocation {
        /** Before it answers MIG_BEGIN: every page comes while the process is frozen (stop-and-copy) (0). */
        BEFORE_REPLY,
        /** Alongside the first pre-copy round, which it overlaps (1). */
        ALONGSIDE_FIRST_ROUND,
        /** Chunk by chunk as pages arrive or fault: a post-copy switch-over must not wait for memory (2). */
        ON_ARRIVAL;

        static Allocation of(int v) {
            if (v < 0 || v >= values().length) {
                throw ErrorCode.MALFORMED.exception("unknown allocation policy " + v);
            }
            return values()[v];
        }
    }

    /**
     * MIG_BEGIN, version 2:
     * <pre>
     * begin := spec, string id, i64 epoch, string front, string sourceNode, string destFault,
     *          u8 allocation, i32 n, n × i64 chunks,            ── version 1 ends here
     *          u8 version (=2), i32 stateVersion
     * </pre>
     * {@code chunks} has a bit per memory chunk the source holds; {@code stateVersion} is the version
     * of the object state (or continuation) the source's code will write at the commit, so that the
     * destination refuses state its code cannot read before any page is sent
     * ({@link dev.caravan.wire.ErrorCode#UNSUPPORTED_VERSION}).
     *
     * <p>Versions only append. A body that ends after the chunks is version 1: the state version is
     * unknown (empty) and the destination checks it at MIG_COMMIT only. A later version is read up to
     * the fields this build knows; what follows them is ignored. A version-1 decoder refuses a
     * version-2 body (it expects the end after the chunks) with MALFORMED, before anything moved.
     *
     * @param stateVersion the state version the source will send, empty when the sender does not say
     *                     (a version-1 sender; a checkpoint restore, whose state record comes last)
     */
    public record Begin(ProcessSpec spec, String processId, long epoch, String front, String sourceNode, String destFault,
                        Allocation allocation, long[] chunks, java.util.OptionalInt stateVersion) {
        /** The version of MIG_BEGIN this build writes. */
        public static final int VERSION = 2;

        public Begin {
            java.util.Objects.requireNonNull(stateVersion, "stateVersion");
        }

        /** A begin that does not say which state version follows (the destination checks it at the commit). */
        public Begin(ProcessSpec spec, String processId, long epoch, String front, String sourceNode, String destFault,
                     Allocation allocation, long[] chunks) {
            this(spec, processId, epoch, front, sourceNode, destFault, allocation, chunks, java.util.OptionalInt.empty());
        }

        public byte[] encode() {
            BodyWriter w = new BodyWriter(256 + chunks.length * 8);
            spec.writeTo(w);
            w.string(processId).i64(epoch).string(front).string(sourceNode).string(destFault).u8(allocation.ordinal());
            bitmap(w, chunks);
            if (stateVersion.isPresent()) {
                w.u8(VERSION).i32(stateVersion.getAsInt());
            }
            return w.toBytes();
        }

        public static Begin decode(BodyReader in) {
            ProcessSpec spec = ProcessSpec.readFrom(in);
            String id = in.string();
            long epoch = in.i64();
            String front = in.string();
            String sourceNode = in.string();
            String destFault = in.string();
            Allocation allocation = Allocation.of(in.u8());
            long[] chunks = bitmap(in, "chunk word");
            java.util.OptionalInt stateVersion = java.util.OptionalInt.empty();
            if (in.remaining() > 0) {
                int version = in.u8();
                if (version < VERSION) {
                    throw ErrorCode.MALFORMED.exception("migration begin version " + version + " after the version-1 fields");
                }
                stateVersion = java.util.OptionalInt.of(in.i32());
                if (version == VERSION) {
                    in.expectEnd();
                }
            }
            return new Begin(spec, id, epoch, front, sourceNode, destFault, allocation, chunks, stateVersion);
        }
    }

    /**
     * MIG_BEGIN's reply: {@code i32 dataPort, i32 streamPort, i64 nonce[, i32 tlsPort]} — {@code tlsPort}
     * is the RESP-over-TLS port of the arriving process's data endpoint, where the source hands off
     * its sessions when its node runs TLS (0: none); a reply without it (an older node) decodes as 0.
     */
    public record BeginReply(int dataPort, int streamPort, long nonce, int tlsPort) {
        /** A reply with no TLS port. */
        public BeginReply(int dataPort, int streamPort, long nonce) {
            this(dataPort, streamPort, nonce, 0);
        }

        public void writeTo(BodyWriter w) {
            w.i32(dataPort).i32(streamPort).i64(nonce).i32(tlsPort);
        }

        public static BeginReply decode(BodyReader in) {
            int dataPort = in.i32();
            int streamPort = in.i32();
            long nonce = in.i64();
            int tlsPort = in.remaining() > 0 ? in.i32() : 0;
            in.expectEnd();
            if (tlsPort < 0 || tlsPort > 65535) {
                throw dev.caravan.wire.ErrorCode.MALFORMED.exception("MIG_BEGIN reply: bad TLS port " + tlsPort);
            }
            return new BeginReply(dataPort, streamPort, nonce, tlsPort);
        }
    }

    /** One remembered reply of the process's deduplication table. */
    public record RecentReply(long clientId, long requestId, Reply reply) {
    }

    /**
     * MIG_COMMIT: {@code string name, i32 stateVersion, bytes state, i32 n, n × i64 missing,
     * string sourceControl, i32 r, r × (i64 clientId, i64 requestId, reply)} — the object state, the
     * pages still at the source (post-copy), where to fetch them, and the recent replies that travel
     * with the process so that a retry after the move is answered, not run again.
     */
    public record Commit(String name, int stateVersion, byte[] state, long[] missing, String sourceControl,
                         List<RecentReply> recentReplies) {
        public byte[] encode() {
            BodyWriter w = new BodyWriter(64 + state.length + missing.length * 8 + recentReplies.size() * 48);
            w.string(name).i32(stateVersion).bytes(state);
            bitmap(w, missing);
            w.string(sourceControl);
            writeRecentReplies(w, recentReplies);
            return w.toBytes();
        }

        public static Commit decode(BodyReader in) {
            String name = in.string();
            int version = in.i32();
            byte[] state = in.bytes();
            long[] missing = bitmap(in, "missing-page word");
            String source = in.string();
            List<RecentReply> replies = readRecentReplies(in);
            in.expectEnd();
            return new Commit(name, version, state, missing, source, replies);
        }
    }

    /** {@code i32 n, n × (i64 clientId, i64 requestId, reply)}: in MIG_COMMIT and in checkpoints. */
    public static void writeRecentReplies(BodyWriter w, List<RecentReply> replies) {
        w.i32(replies.size());
        for (RecentReply r : replies) {
            w.i64(r.clientId()).i64(r.requestId());
            CommandCodec.write(w, r.reply());
        }
    }

    public static List<RecentReply> readRecentReplies(BodyReader in) {
        int n = in.count(MAX_RECENT_REPLIES, "recent reply");
        List<RecentReply> replies = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            replies.add(new RecentReply(in.i64(), in.i64(), CommandCodec.readReply(in)));
        }
        return List.copyOf(replies);
    }

    /** MIG_COMMIT's reply: what the destination spent, as {@link MigrationReport.DestinationCosts#writeTo} wrote it. */
    public static MigrationReport.DestinationCosts readCommitReply(BodyReader in) {
        MigrationReport.DestinationCosts c = MigrationReport.DestinationCosts.readFrom(in);
        in.expectEnd();
        return c;
    }

    /** MIG_PUSH_DONE: {@code string name}; its reply is the destination's {@link MigrationReport.FaultStats}. */
    public static byte[] pushDone(String name) {
        return new BodyWriter().string(name).toBytes();
    }

    /** MIG_FETCH: {@code string name, i64 page, i32 around} — the faulting page and how many neighbours to pre-page. */
    public record Fetch(String name, long page, int around) {
        /** Neighbours one fault may ask for at most. */
        public static final int MAX_AROUND = 256;

        public byte[] encode() {
            return new BodyWriter().string(name).i64(page).i32(around).toBytes();
        }

        public static Fetch decode(BodyReader in) {
            Fetch f = new Fetch(in.string(), in.i64(), in.i32());
            in.expectEnd();
            if (f.around < 0 || f.around > MAX_AROUND || f.page < 0) {
                throw ErrorCode.INVALID_ARGUMENT.exception("fetch of page " + f.page + " with " + f.around
                        + " neighbours: page must be >= 0 and neighbours 0.." + MAX_AROUND);
            }
            return f;
        }
    }

    /**
     * Builds one MIG_PAGES body, {@code string name, i32 n, n × (i64 page, bytes)}: pages are
     * added one by one and the count is written when the body is taken. Not thread-safe.
     */
    public static final class PagesFrame {
        private final BodyWriter w;
        private final int countAt;
        private int pages;

        public PagesFrame(String name, int maxPages, int pageSizeBytes) {
            w = new BodyWriter(16 + name.length() * 4 + maxPages * (pageSizeBytes + 12)).string(name);
            countAt = w.size();
            w.i32(0);
        }

        public PagesFrame add(long page, byte[] content) {
            w.i64(page).bytes(content);
            pages++;
            return this;
        }

        public int pages() {
            return pages;
        }

        /** The body, with its page count filled in. */
        public byte[] toBytes() {
            byte[] body = w.toBytes();
            body[countAt] = (byte) (pages >>> 24);
            body[countAt + 1] = (byte) (pages >>> 16);
            body[countAt + 2] = (byte) (pages >>> 8);
            body[countAt + 3] = (byte) pages;
            return body;
        }
    }

    /** A string-only body: MIG_ABORT and NODE_MIGRATE_CANCEL carry just the process name. */
    public static byte[] nameOnly(String name) {
        return new BodyWriter().string(name).toBytes();
    }

    public static String readNameOnly(BodyReader in) {
        String name = in.string();
        in.expectEnd();
        return name;
    }

    private static void bitmap(BodyWriter w, long[] words) {
        w.i32(words.length);
        for (long x : words) {
            w.i64(x);
        }
    }

    private static long[] bitmap(BodyReader in, String what) {
        int n = in.count(MAX_BITMAP_WORDS, what);
        if ((long) n * 8 > in.remaining()) {
            throw ErrorCode.MALFORMED.exception(n + " " + what + "s announced but only " + in.remaining() + " bytes follow");
        }
        long[] words = new long[n];
        for (int i = 0; i < n; i++) {
            words[i] = in.i64();
        }
        return words;
    }
}
