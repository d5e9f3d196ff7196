package dev.caravan.switching.resp;

import dev.caravan.switching.Backend;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.SwitchContext;
import dev.caravan.switching.policy.DispatchKey;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * A front end's routes in order, each with its dispatcher: a key goes through the first route
 * whose {@link Route.RouteMatch#keyPrefix() keyPrefix} it starts with (byte-wise, the prefix in
 * UTF-8; a route without one matches every key), and that route's dispatcher picks its backend
 * with {@code DispatchKey(client, key, key)} — the key is both the affinity and the hash key.
 * Keys are handed to policies as ISO-8859-1 strings, one char per byte, so distinct keys stay
 * distinct whatever their bytes.
 *
 * <p>Threading: thread-safe (dispatchers are).
 */
final class RouteTable {
    /** Where a command goes: a backend (with the ticket holding its slot, when one was dispatched), or an error reply. */
    record Placement(Backend backend, Dispatcher.Ticket ticket, Reply.Error error) {
        static Placement failed(String text) {
            return new Placement(null, null, (Reply.Error) Reply.error(text));
        }
    }

    private final String frontend;
    private final List<byte[]> prefixes = new ArrayList<>();
    private final List<Dispatcher> dispatchers = new ArrayList<>();

    RouteTable(FrontendSpec spec, SwitchContext context) {
        this.frontend = spec.name();
        for (Route r : spec.routes()) {
            String p = r.match().keyPrefix();
            prefixes.add(p == null ? null : p.getBytes(StandardCharsets.UTF_8));
            dispatchers.add(context.dispatcher(spec, r));
        }
    }

    /**
     * The backend of every key of {@code c} (see {@link CommandKeys#keyIndexes}); CROSSSLOT when
     * they are not all on one backend. The caller closes the ticket.
     */
    Placement backendOf(Command c, InetAddress client) throws InterruptedException {
        Dispatcher.Ticket first = null;
        for (int i : CommandKeys.keyIndexes(c)) {
            if (c.isOffHeap(i)) {
                close(first);
                return Placement.failed("ERR key too long for a content-aware front end");
            }
            byte[] key = c.arg(i);
            int route = routeOf(key);
            if (route < 0) {
                close(first);
                return Placement.failed("ERR no route of front end " + frontend + " takes the key '"
                        + new String(key, StandardCharsets.UTF_8) + "'");
            }
            String k = new String(key, StandardCharsets.ISO_8859_1);
            Placement p = dispatch(dispatchers.get(route), new DispatchKey(client, k, k));
            if (p.error() != null) {
                close(first);
                return p;
            }
            if (first == null) {
                first = p.ticket();
            } else {
                boolean same = first.backend().id().equals(p.ticket().backend().id());
                p.ticket().close();
                if (!same) {
                    first.close();
                    return Placement.failed(KeyRouter.CROSSSLOT);
                }
            }
        }
        if (first == null) {
            return Placement.failed("ERR " + c.name() + " names no key here; a content-aware front end routes it by its key");
        }
        return new Placement(first.backend(), first, null);
    }

    /** Some backend of the first route, picked with no key (the client's address for affinity). */
    Placement anyBackend(InetAddress client) throws InterruptedException {
        return dispatch(dispatchers.getFirst(), new DispatchKey(client, null, null));
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

    private static Placement dispatch(Dispatcher d, DispatchKey key) throws InterruptedException {
        try {
            Dispatcher.Ticket t = d.dispatch(key).get();
            return new Placement(t.backend(), t, null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return Placement.failed("ERR " + cause.getMessage());
        }
    }

    private static void close(Dispatcher.Ticket t) {
        if (t != null) {
            t.close();
        }
    }
}
