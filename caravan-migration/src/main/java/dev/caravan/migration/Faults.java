package dev.caravan.migration;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.MigrationPhase;

import java.util.Locale;

/**
 * Fault injection for migration tests, parsed from {@code role:action:phase} (see
 * {@link dev.caravan.wire.node.MigrationRequest}); the phase is a {@link MigrationPhase}. {@code halt}
 * ends the node at once, as {@code kill -9} would ({@link MigrationHost#crash}); {@code cut} breaks
 * the migration link; {@code pause} holds that phase for {@code pauseMs}
 * ({@link MigrationSettings#faultPauseMs}, 2 s by default) so that a test can break something else
 * meanwhile. Immutable.
 */
record Faults(Role role, Action action, MigrationPhase phase, long pauseMs) {
    static final Faults NONE = new Faults(null, null, null, 0);

    enum Role { SOURCE, DEST }

    enum Action { HALT, CUT, PAUSE }

    static Faults parse(String spec, long pauseMs) {
        if (spec == null || spec.isEmpty()) {
            return NONE;
        }
        String[] p = spec.toLowerCase(Locale.ROOT).split(":");
        if (p.length != 3) {
            throw ErrorCode.INVALID_ARGUMENT.exception("fault must be source|dest:halt|cut|pause:PHASE, got '" + spec + "'");
        }
        Role role = switch (p[0]) {
            case "source" -> Role.SOURCE;
            case "dest" -> Role.DEST;
            default -> throw ErrorCode.INVALID_ARGUMENT.exception("fault role must be source or dest, got '" + p[0] + "'");
        };
        Action action = switch (p[1]) {
            case "halt" -> Action.HALT;
            case "cut" -> Action.CUT;
            case "pause" -> Action.PAUSE;
            default -> throw ErrorCode.INVALID_ARGUMENT.exception("fault action must be halt, cut or pause, got '" + p[1] + "'");
        };
        MigrationPhase phase = MigrationPhase.parse(p[2]);
        java.util.Set<MigrationPhase> where = role == Role.SOURCE ? SOURCE_PHASES : DEST_PHASES;
        if (!where.contains(phase)) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a " + p[0] + " fault can fire in " + where + ", not in " + phase);
        }
        if (action == Action.CUT && phase == MigrationPhase.COMMITTED && role == Role.SOURCE) {
            throw ErrorCode.INVALID_ARGUMENT.exception("cutting the link after the commit changes nothing at the source;"
                    + " use halt, or cut in pushing");
        }
        return new Faults(role, action, phase, pauseMs);
    }

    /** Where the source fires faults. */
    static final java.util.Set<MigrationPhase> SOURCE_PHASES = java.util.EnumSet.of(MigrationPhase.BEGIN, MigrationPhase.ROUNDS,
            MigrationPhase.FREEZE, MigrationPhase.LAST_PAGES, MigrationPhase.SWITCH_OVER, MigrationPhase.COMMITTED,
            MigrationPhase.PUSHING);
    /** Where the destination fires faults: when it is told to begin, to commit, and after it registered. */
    static final java.util.Set<MigrationPhase> DEST_PHASES = java.util.EnumSet.of(MigrationPhase.BEGIN,
            MigrationPhase.SWITCH_OVER, MigrationPhase.COMMITTED);

    /** The spec string, for passing the destination's part along; "" for none. */
    String spec() {
        return this == NONE ? "" : role.name().toLowerCase(Locale.ROOT) + ":" + action.name().toLowerCase(Locale.ROOT) + ":"
                + phase.label();
    }

    /** The part the destination must fire, as a spec string ("" when the fault is the source's). */
    String destinationPart() {
        return role == Role.DEST ? spec() : "";
    }

    /**
     * Fires if this fault is for {@code atRole} at {@code atPhase}: halts the node, pauses, or
     * returns true when the caller must cut its link.
     */
    boolean hit(Role atRole, MigrationPhase atPhase, MigrationHost host) {
        if (role != atRole || phase != atPhase) {
            return false;
        }
        switch (action) {
            case HALT -> host.crash("fault injection: halting " + role.name().toLowerCase(Locale.ROOT) + " at " + phase);
            case PAUSE -> {
                try {
                    Thread.sleep(pauseMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return false;
            }
            case CUT -> {
                return true;
            }
        }
        return false;
    }
}
