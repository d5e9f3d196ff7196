package dev.caravan.wire.security;

import dev.caravan.wire.ErrorCode;

import java.util.Locale;

/**
 * What an authenticated caller may do, from least to most. A role includes every role below it.
 *
 * <ul>
 *   <li>{@link #VIEWER}: read-only — ps, describe, events, metrics, logs, nodes.</li>
 *   <li>{@link #OPERATOR}: also moves and keeps processes — migrate, drain, cordon, checkpoint,
 *       cancel its own requests.</li>
 *   <li>{@link #ADMIN}: also changes what runs — deploy, stop, eval, agents, slices, shutdown.</li>
 *   <li>{@link #NODE}: a cluster member (node, naming, switch): everything, including the
 *       node-to-node protocols (migration, page streams, bundle fetches, naming leases).</li>
 * </ul>
 *
 * <p>In a certificate the role is an {@code O=caravan:ROLE} attribute of the subject (the way
 * Kubernetes carries groups in {@code O}).
 */
public enum Role {
    VIEWER, OPERATOR, ADMIN, NODE;

    /** True when this role may do what {@code needed} may. */
    public boolean includes(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The lower-case name used on the command line and in certificates. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code viewer|operator|admin|node}.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for anything else
     */
    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.label().equals(text)) {
                return r;
            }
        }
        throw ErrorCode.INVALID_ARGUMENT.exception("unknown role '" + text + "': use viewer, operator, admin or node");
    }
}
