package dev.caravan.wire.security;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;

import java.util.Map;
import java.util.Set;

/**
 * The role table, defined once for every binary port: each operation and the least {@link Role}
 * allowed to make it. An operation not in the table needs {@link Role#ADMIN} (a new op is closed
 * until someone decides otherwise).
 *
 * <table>
 *   <caption>Least role per operation</caption>
 *   <tr><th>role</th><th>operations</th></tr>
 *   <tr><td>viewer</td><td>PING, NODE_LIST, NODE_INSPECT, NODE_STATUS, NAMING_LOOKUP, NAMING_LIST,
 *       NAMING_WATCH, NAMING_UNWATCH (events, metrics and logs are on the admin HTTP port)</td></tr>
 *   <tr><td>operator</td><td>NODE_MIGRATE, NODE_CHECKPOINT, NODE_MIGRATE_CANCEL, NODE_CORDON,
 *       NODE_UNCORDON, NODE_DRAIN, BALANCE_MODE</td></tr>
 *   <tr><td>admin</td><td>NODE_PUT_BUNDLE, NODE_GET_BUNDLE, NODE_START, NODE_STOP, NODE_CALL, NODE_EVAL,
 *       NODE_AGENT_RECALL, NODE_CLIENT_BUNDLE, NODE_SHUTDOWN, slices, and every op not listed</td></tr>
 *   <tr><td>node</td><td>MIG_*, NAMING_OPEN_LEASE, NAMING_RENEW_LEASE, NAMING_CLOSE_LEASE,
 *       NAMING_REGISTER, NAMING_UNREGISTER, BALANCE_PROBE, BALANCE_PULL, NODE_READ_RESOURCE</td></tr>
 * </table>
 *
 * <p>Operations on a whole node ({@link #isNodeWide}: shutdown, cordon, uncordon, drain, balance
 * mode) are refused to a tenant (an identity with a slice) whatever its role: a slice's admin
 * administers its slice, not the machines it shares with other slices.
 *
 * <p>The {@link Identity#development development} identity (a port with neither token nor
 * certificates) is never refused: such a cluster's own nodes reach each other with it.
 *
 * <p>Stateless and thread-safe.
 */
public final class OpPolicy {
    private static final Map<Integer, Role> LEAST = Map.ofEntries(
            Map.entry(Op.PING, Role.VIEWER),
            Map.entry(Op.NODE_LIST, Role.VIEWER),
            Map.entry(Op.NODE_INSPECT, Role.VIEWER),
            Map.entry(Op.NODE_STATUS, Role.VIEWER),
            Map.entry(Op.NODE_QUOTAS, Role.VIEWER),
            Map.entry(Op.NAMING_LOOKUP, Role.VIEWER),
            Map.entry(Op.NAMING_LIST, Role.VIEWER),
            Map.entry(Op.NAMING_WATCH, Role.VIEWER),
            Map.entry(Op.NAMING_UNWATCH, Role.VIEWER),
            Map.entry(Op.NODE_MIGRATE, Role.OPERATOR),
            Map.entry(Op.NODE_CHECKPOINT, Role.OPERATOR),
            Map.entry(Op.NODE_MIGRATE_CANCEL, Role.OPERATOR),
            Map.entry(Op.NODE_CORDON, Role.OPERATOR),
            Map.entry(Op.NODE_UNCORDON, Role.OPERATOR),
            Map.entry(Op.NODE_DRAIN, Role.OPERATOR),
            Map.entry(Op.BALANCE_MODE, Role.OPERATOR),
            Map.entry(Op.NODE_PUT_BUNDLE, Role.ADMIN),
            Map.entry(Op.NODE_GET_BUNDLE, Role.ADMIN),
            Map.entry(Op.NODE_PUT_SIGNED_BUNDLE, Role.ADMIN),
            Map.entry(Op.NODE_GET_BUNDLE_SIGNATURE, Role.ADMIN),
            Map.entry(Op.NODE_START, Role.ADMIN),
            Map.entry(Op.NODE_STOP, Role.ADMIN),
            Map.entry(Op.NODE_CALL, Role.ADMIN),
            Map.entry(Op.NODE_EVAL, Role.ADMIN),
            Map.entry(Op.NODE_AGENT_RECALL, Role.ADMIN),
            Map.entry(Op.NODE_CLIENT_BUNDLE, Role.ADMIN),
            Map.entry(Op.NODE_SHUTDOWN, Role.ADMIN),
            Map.entry(Op.MIG_BEGIN, Role.NODE),
            Map.entry(Op.MIG_PAGES, Role.NODE),
            Map.entry(Op.MIG_COMMIT, Role.NODE),
            Map.entry(Op.MIG_ABORT, Role.NODE),
            Map.entry(Op.MIG_FETCH, Role.NODE),
            Map.entry(Op.MIG_PUSH_DONE, Role.NODE),
            Map.entry(Op.MIG_RESOURCES, Role.NODE),
            Map.entry(Op.NAMING_OPEN_LEASE, Role.NODE),
            Map.entry(Op.NAMING_RENEW_LEASE, Role.NODE),
            Map.entry(Op.NAMING_CLOSE_LEASE, Role.NODE),
            Map.entry(Op.NAMING_REGISTER, Role.NODE),
            Map.entry(Op.NAMING_UNREGISTER, Role.NODE),
            Map.entry(Op.BALANCE_PROBE, Role.NODE),
            Map.entry(Op.BALANCE_PULL, Role.NODE),
            Map.entry(Op.NODE_SANDBOX_ENSURE, Role.NODE),
            Map.entry(Op.NODE_READ_RESOURCE, Role.NODE));
    private static final Set<Integer> NODE_WIDE = Set.of(Op.NODE_SHUTDOWN, Op.NODE_CORDON, Op.NODE_UNCORDON,
            Op.NODE_DRAIN, Op.BALANCE_MODE);

    /** {@link Identity#via()} of the development identity, which is never refused. */
    static final String DEVELOPMENT = "development";

    private OpPolicy() {
    }

    /** The least role that may make {@code op}; {@link Role#ADMIN} for an op not in the table. */
    public static Role leastRole(int op) {
        return LEAST.getOrDefault(op, Role.ADMIN);
    }

    /** True for an operation on the whole node, which no tenant may make. */
    public static boolean isNodeWide(int op) {
        return NODE_WIDE.contains(op);
    }

    /**
     * The refusal of {@code op} to {@code who}, or null when it is allowed.
     *
     * @return a one-line reason, for example {@code "ann (role viewer) may not NODE_MIGRATE: needs operator"}
     */
    public static String refusal(Identity who, int op) {
        if (who == null) {
            return "an unauthenticated peer may not " + Op.name(op);
        }
        if (who.via().equals(DEVELOPMENT)) {
            // A port that asks for neither token nor certificate is a development cluster: its nodes reach each other
            // with this same identity, so nothing is enforced.
            return null;
        }
        Role needed = leastRole(op);
        if (!who.role().includes(needed)) {
            return who.name() + " (role " + who.role().label() + ") may not " + Op.name(op) + ": needs " + needed.label();
        }
        if (who.inSlice() && isNodeWide(op)) {
            return who.name() + " (slice " + who.slice() + ") may not " + Op.name(op)
                    + ": it acts on the whole node, which a tenant may not";
        }
        return null;
    }

    /**
     * Checks that {@code who} may make {@code op}.
     *
     * @throws dev.caravan.wire.CaravanException FORBIDDEN with {@link #refusal}'s line
     */
    public static void check(Identity who, int op) {
        String why = refusal(who, op);
        if (why != null) {
            throw ErrorCode.FORBIDDEN.exception(why);
        }
    }
}
