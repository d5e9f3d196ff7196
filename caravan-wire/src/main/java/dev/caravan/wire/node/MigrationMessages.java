package dev.caravan.wire.node;

import dev.caravan.wire.BodyWriter;

/**
 * Encoders of the bodies that a migration source sends (layouts in {@link MigrationProtocol}):
 * shared by nodes moving a process and by clients restoring a checkpoint, which act as the
 * source.
 */
public final class MigrationMessages {
    private MigrationMessages() {
    }

    /**
     * MIG_BEGIN: {@code spec, string id, i64 epoch, string front, string sourceNode, string destFault,
     * bool allocateBeforeReply, i32 n, n × i64 chunks} where {@code chunks} has a bit per memory
     * chunk the source holds, so the destination allocates (and the OS faults in) that memory before
     * the process is frozen: before it answers (stop-and-copy, post-copy), or alongside the first
     * pre-copy round (pre-copy, hybrid), where it overlaps the sending.
     */
    public static byte[] begin(ProcessSpec spec, String processId, long epoch, String front, String sourceNode, String destFault,
                               boolean allocateBeforeReply, long[] chunks) {
        BodyWriter w = new BodyWriter(256 + chunks.length * 8);
        spec.writeTo(w);
        w.string(processId).i64(epoch).string(front).string(sourceNode).string(destFault).bool(allocateBeforeReply)
                .i32(chunks.length);
        for (long c : chunks) {
            w.i64(c);
        }
        return w.toBytes();
    }

    /** MIG_COMMIT: {@code string name, i32 stateVersion, bytes state, i32 n, n × i64 missing, string sourceControl}. */
    public static byte[] commit(String name, int stateVersion, byte[] state, long[] missing, String sourceControl) {
        BodyWriter w = new BodyWriter(64 + state.length + missing.length * 8);
        w.string(name).i32(stateVersion).bytes(state).i32(missing.length);
        for (long m : missing) {
            w.i64(m);
        }
        return w.string(sourceControl).toBytes();
    }

    /** MIG_PAGES header; append {@code count × (i64 page, bytes)} after it. */
    public static BodyWriter pagesHeader(String name, int count, int pageSizeBytes) {
        return new BodyWriter(16 + count * (pageSizeBytes + 12)).string(name).i32(count);
    }
}
