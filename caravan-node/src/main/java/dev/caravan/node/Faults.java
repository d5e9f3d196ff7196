package dev.caravan.node;

import dev.caravan.wire.ErrorCode;

import java.util.Locale;

/**
 * Fault injection for migration tests, parsed from {@code role:action:phase} (see
 * {@link dev.caravan.wire.node.MigrationRequest}). {@code halt} ends the JVM at once with no
 * shutdown hooks, as {@code kill -9} would; {@code cut} breaks the migration link; {@code pause}
 * holds that phase for {@value #PAUSE_MS} ms so that a test can break something else meanwhile.
 * Immutable.
 */
record Faults(String role, String action, String phase) {
    static final Faults NONE = new Faults("", "", "");
    static final long PAUSE_MS = 2000;

    static Faults parse(String spec) {
        if (spec == null || spec.isEmpty()) {
            return NONE;
        }
        String[] p = spec.toLowerCase(Locale.ROOT).split(":");
        if (p.length != 3 || !(p[0].equals("source") || p[0].equals("dest")) || !(p[1].equals("halt") || p[1].equals("cut") || p[1].equals("pause"))) {
            throw ErrorCode.INVALID_ARGUMENT.exception("fault must be source|dest:halt|cut|pause:PHASE, got '" + spec + "'");
        }
        return new Faults(p[0], p[1], p[2]);
    }

    /** The spec string, for passing the destination's part along. */
    String spec() {
        return this == NONE ? "" : role + ":" + action + ":" + phase;
    }

    /**
     * Fires if this fault is for {@code role} at {@code phase}: halts the JVM, or returns true
     * when the caller should cut its link.
     */
    boolean hit(String atRole, String atPhase) {
        if (!role.equals(atRole) || !phase.equals(atPhase)) {
            return false;
        }
        if (action.equals("halt")) {
            System.err.println("fault injection: halting " + role + " at " + phase);
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
        if (action.equals("pause")) {
            try {
                Thread.sleep(PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
        return true;
    }
}
