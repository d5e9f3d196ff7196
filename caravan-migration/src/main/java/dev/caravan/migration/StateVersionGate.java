package dev.caravan.migration;

import dev.caravan.core.process.CaravanProcess;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ProcessSpec;

/**
 * The destination's check that its code can read the state an arriving process brings: asked at
 * MIG_BEGIN when the source says which state version it will send (before a page moves) and again
 * at MIG_COMMIT before {@link CaravanProcess#readState}, always before the commit point, so a refusal
 * leaves the process with its source. Stateless.
 */
final class StateVersionGate {
    /** How far below the versions involved a refusal's message looks for versions the code reads. */
    private static final int MAX_PROBED_VERSIONS = 1000;

    private StateVersionGate() {
    }

    /**
     * Refuses with {@link ErrorCode#UNSUPPORTED_VERSION} when {@code code} cannot read state at
     * {@code version}; the one-line message names the process, the version, the bundle and node that
     * refused, the versions that code reads, and what to do.
     *
     * @param fromCheckpoint the state comes from a checkpoint file (a restore), not a running source
     */
    static void check(CaravanProcess code, ProcessSpec spec, int version, String nodeId, boolean fromCheckpoint) {
        if (code.readsStateVersion(version)) {
            return;
        }
        String writer = fromCheckpoint ? "the checkpoint of process " + spec.name() + " holds"
                : "process " + spec.name() + " writes";
        String what = spec.bundleHash().isEmpty() ? "sample " + spec.sample() : "bundle " + shortHash(spec.bundleHash());
        String remedy = fromCheckpoint ? "restore it with a bundle that reads " + version
                : "deploy a bundle that reads " + version + ", or migrate elsewhere";
        throw ErrorCode.UNSUPPORTED_VERSION.exception(writer + " state version " + version + "; " + what + " on node " + nodeId
                + " reads " + readable(code, version) + ": " + remedy);
    }

    /** The first 12 hex digits of a bundle hash and an ellipsis, as {@code caravan ps} shows it. */
    static String shortHash(String hash) {
        return hash.length() <= 12 ? hash : hash.substring(0, 12) + "…";
    }

    /**
     * The versions {@code code} reads among 1 .. max(its own, {@code refused}), at most the last
     * {@value #MAX_PROBED_VERSIONS} of them, as runs: "version 2", "versions 1–2", "versions 1, 3–4".
     */
    static String readable(CaravanProcess code, int refused) {
        int own = code.stateVersion();
        int top = Math.max(own, refused);
        int bottom = Math.max(1, top - MAX_PROBED_VERSIONS + 1);
        StringBuilder runs = new StringBuilder();
        int count = 0;
        int runStart = -1;
        for (long v = bottom; v <= (long) top + 1; v++) {
            boolean reads = v <= top && code.readsStateVersion((int) v);
            if (reads) {
                count++;
                if (runStart < 0) {
                    runStart = (int) v;
                }
            } else if (runStart >= 0) {
                int last = (int) (v - 1);
                runs.append(runs.isEmpty() ? "" : ", ").append(runStart == last ? runStart : runStart + "–" + last);
                runStart = -1;
            }
        }
        if (count == 0) {
            return "none of versions " + bottom + "–" + top + " (it writes " + own + ")";
        }
        return (count == 1 ? "version " : "versions ") + runs;
    }
}
