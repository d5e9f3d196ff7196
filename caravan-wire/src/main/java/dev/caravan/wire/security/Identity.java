package dev.caravan.wire.security;

import dev.caravan.wire.ErrorCode;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who is on the other end of a connection, as the server established it: from the peer's client
 * certificate (mutual TLS), from a token, or — on a port that asks for neither — the development
 * identity.
 *
 * @param name  the certificate's CN, or the token's name; 1..64 of {@code [A-Za-z0-9_.@-]}
 * @param role  what the caller may do
 * @param slice the tenant slice the caller belongs to; {@link #NO_SLICE} for an operator of the
 *              whole cluster, who sees every slice
 * @param via   how it was established: {@code certificate}, {@code token} or {@code development}
 */
public record Identity(String name, Role role, String slice, String via) {
    /** The slice of a caller who is not a tenant. */
    public static final String NO_SLICE = "";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
    private static final Pattern SLICE = Pattern.compile("([a-z0-9][a-z0-9-]{0,31})?");

    public Identity {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(via, "via");
        if (!NAME.matcher(name).matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("identity name '" + name
                    + "' must be 1-64 letters, digits, '_', '.', '@' or '-'");
        }
        checkSlice(slice);
    }

    /** Whoever reaches a port that requires neither certificates nor a token: a development cluster. */
    public static Identity development(String peerName) {
        String name = peerName != null && NAME.matcher(peerName).matches() ? peerName : "anonymous";
        return new Identity(name, Role.ADMIN, NO_SLICE, "development");
    }

    /** True for a tenant (confined to its slice), false for a cluster-wide caller. */
    public boolean inSlice() {
        return !slice.isEmpty();
    }

    /** True when this caller may see and touch something of {@code ownerSlice}. */
    public boolean canReach(String ownerSlice) {
        return !inSlice() || slice.equals(ownerSlice);
    }

    /**
     * Checks a slice name: empty, or 1..32 of lower-case letters, digits and '-', starting with a
     * letter or digit (it becomes part of cgroup paths and file names).
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT otherwise
     */
    public static String checkSlice(String slice) {
        if (slice == null || !SLICE.matcher(slice).matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("slice '" + slice
                    + "' must be 1-32 lower-case letters, digits or '-', starting with a letter or digit");
        }
        return slice;
    }

    @Override
    public String toString() {
        return name + " (" + role.label() + (inSlice() ? ", slice " + slice : "") + ", by " + via + ")";
    }
}
