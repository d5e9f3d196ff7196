package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * The reply of {@link dev.caravan.wire.Op#NODE_DRAIN}: what happened to each process the node hosted.
 *
 * <pre>
 * report := string node, bool drained, i64 totalMs, i32 n, n × {@link DrainStep}, string detail
 * </pre>
 *
 * @param drained   true when the node hosts nothing any more; the node stays cordoned either way
 * @param processes each process's last step: MOVED, or STAYED with the reason
 * @param detail    why the drain as a whole failed ("" when drained): timed out, a process arrived, ...
 */
public record DrainReport(String node, boolean drained, long totalMs, List<DrainStep> processes, String detail) {
    /** Processes in one report at most (a limit checked before allocating). */
    public static final int MAX_PROCESSES = 100_000;

    public DrainReport {
        processes = List.copyOf(processes);
    }

    /** The processes that did not move. */
    public List<DrainStep> stayed() {
        return processes.stream().filter(s -> s.stage() == DrainStep.Stage.STAYED).toList();
    }

    public void writeTo(BodyWriter w) {
        w.string(node).bool(drained).i64(totalMs).i32(processes.size());
        processes.forEach(s -> s.writeTo(w));
        w.string(detail);
    }

    public static DrainReport readFrom(BodyReader r) {
        String node = r.string();
        boolean drained = r.bool();
        long totalMs = r.i64();
        int n = r.count(MAX_PROCESSES, "process");
        List<DrainStep> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            steps.add(DrainStep.readFrom(r));
        }
        return new DrainReport(node, drained, totalMs, steps, r.string());
    }
}
