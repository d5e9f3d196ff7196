package dev.caravan.switching.resp;

import dev.caravan.switching.Backend;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.SwitchContext;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.wire.CloseAll;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A front end's routes in order, each with its members ({@link RouteMembers}): a key goes through
 * the first route whose {@link Route.RouteMatch#keyPrefix() keyPrefix} it starts with (byte-wise,
 * the prefix in UTF-8; a route without one matches every key), to its home among that route's
 * members. The route's dispatcher (its pool) is made, so that the admin API lists the route's
 * backends, but it never chooses where a key goes.
 *
 * <p>Only key placement is accepted as a route's policy: {@code affinity} with affinity source
 * {@code resp-key}. The others would send one key to several backends over time (round robin,
 * least connections, power of two) or, under load, to a neighbour ({@code consistent-hash}'s
 * bounded load), which loses writes in a store of record.
 *
 * <p>Threading: thread-safe.
 */
final class RouteTable implements AutoCloseable {
    /** Where a command goes: a backend, or an error reply. */
    record Placement(Backend backend, Reply.Error error) {
        static Placement failed(String text) {
            return new Placement(null, (Reply.Error) Reply.error(text));
        }
    }

    private final String frontend;
    private final List<byte[]> prefixes = new ArrayList<>();
    private final List<RouteMembers> members = new ArrayList<>();

    /**
     * Checks every route's policy, then lists and follows each route's members in naming.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for a route whose policy is not key
     *                                           placement; what naming throws when it cannot be reached
     */
    RouteTable(FrontendSpec spec, SwitchContext context) {
        this.frontend = spec.name();
        List<Route> routes = spec.routes();
        for (int r = 0; r < routes.size(); r++) {
            checkPolicy(spec.name(), r, routes.get(r));
        }
        try {
            for (Route r : routes) {
                String p = r.match().keyPrefix();
                prefixes.add(p == null ? null : p.getBytes(StandardCharsets.UTF_8));
                context.dispatcher(spec, r);
                members.add(RouteMembers.watch(context.naming(), r.backends()));
            }
        } catch (RuntimeException e) {
            CloseAll.closeAll("closing the routes of front end " + frontend, members.toArray(AutoCloseable[]::new));
            throw e;
        }
    }

    private static void checkPolicy(String frontend, int index, Route r) {
        if (r.policy() != PolicyKind.AFFINITY || r.affinity().kind() != Route.AffinitySource.Kind.RESP_KEY) {
            throw ErrorCode.INVALID_ARGUMENT.exception("front end " + frontend + " route " + index + ": a content-aware RESP"
                    + " front end keeps each key on one backend; use \"policy\": \"affinity\" with"
                    + " \"affinity\": {\"source\": \"resp-key\"} (not " + r.policy().cliName() + " by "
                    + r.affinity().kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")");
        }
    }

    /**
     * The home of every key of {@code c} (see {@link CommandKeys#keyIndexes}); CROSSSLOT when they
     * are not all on one backend.
     */
    Placement backendOf(Command c) {
        Backend first = null;
        for (int i : CommandKeys.keyIndexes(c)) {
            if (c.isOffHeap(i)) {
                return Placement.failed("ERR key too long for a content-aware front end");
            }
            byte[] key = c.arg(i);
            int route = routeOf(key);
            if (route < 0) {
                return Placement.failed("ERR no route of front end " + frontend + " takes the key '"
                        + new String(key, StandardCharsets.UTF_8) + "'");
            }
            Backend home = members.get(route).homeOf(key);
            if (home == null) {
                return noMembers(route);
            }
            if (first == null) {
                first = home;
            } else if (!first.id().equals(home.id())) {
                return Placement.failed(KeyRouter.CROSSSLOT);
            }
        }
        if (first == null) {
            return Placement.failed("ERR " + c.name() + " names no key here; a content-aware front end routes it by its key");
        }
        return new Placement(first, null);
    }

    /**
     * A member of the first route for a connection's keyless commands, placed like a key by
     * {@code connection} (so connections spread over the members).
     */
    Placement anyBackend(String connection) {
        Backend b = members.getFirst().homeOf(connection.getBytes(StandardCharsets.UTF_8));
        return b == null ? noMembers(0) : new Placement(b, null);
    }

    /** Whether {@code b} is still a member of the first route (a home that left is replaced). */
    boolean isMember(Backend b) {
        for (Backend m : members.getFirst().members()) {
            if (m.id().equals(b.id())) {
                return true;
            }
        }
        return false;
    }

    private Placement noMembers(int route) {
        return Placement.failed("ERR no backend of front end " + frontend + " route " + route
                + " is in naming; deploy the processes its backends select");
    }

    private int routeOf(byte[] key) {
        for (int r = 0; r < prefixes.size(); r++) {
            byte[] p = prefixes.get(r);
            if (p == null || (key.length >= p.length && Arrays.equals(key, 0, p.length, p, 0, p.length))) {
                return r;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        CloseAll.closeAll("closing the routes of front end " + frontend, members.toArray(AutoCloseable[]::new));
    }
}
