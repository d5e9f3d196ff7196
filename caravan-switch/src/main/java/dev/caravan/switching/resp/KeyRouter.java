package dev.caravan.switching.resp;

import dev.caravan.servers.forward.ProcessForwarder;
import dev.caravan.servers.resp.RespCommandHandler;
import dev.caravan.servers.resp.RespSession;
import dev.caravan.switching.Backend;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The content-aware RESP front end's handler: each client batch (the commands a client
 * pipelined) is split by backend and the replies are put back in request order.
 *
 * <pre>
 *  batch ─▶ per command: CommandKeys.kind
 *             LOCAL    → answered here (PING, ECHO, QUIT)
 *             REFUSED  → an error naming what to do instead
 *             SESSION, HOME → the client's home backend (placed once per connection)
 *             KEYED    → every key through RouteTable (route, then the key's home member);
 *                        keys on different backends → -CROSSSLOT
 *        ─▶ one group per backend, forwarded in parallel (one virtual thread per extra group),
 *           each in the client's session there, the session's setup replayed first if behind
 *        ─▶ replies[i] for command i, whatever backend answered it
 * </pre>
 *
 * Commands to one backend keep their order; commands to different backends run concurrently
 * (they touch different keys). A session command (HELLO, AUTH, CLIENT) ends a segment: what
 * follows it is sent only once its reply is in, so that the setup it adds reaches every backend
 * the later commands go to.
 *
 * <p>Threading: thread-safe; {@link #execute} blocks its (virtual) thread for the exchange.
 */
final class KeyRouter implements RespCommandHandler {
    static final String CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";

    private final RouteTable routes;
    private final BackendLinks links;
    private final AtomicLong dispatched = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    KeyRouter(RouteTable routes, BackendLinks links) {
        this.routes = routes;
        this.links = links;
    }

    long dispatched() {
        return dispatched.get();
    }

    long refused() {
        return refused.get();
    }

    /** Commands of one batch bound for one backend. */
    private static final class Group {
        final Backend backend;
        final List<Integer> indexes = new ArrayList<>();

        Group(Backend backend) {
            this.backend = backend;
        }
    }

    @Override
    public Reply[] execute(RespSession session, List<Command> batch) throws InterruptedException {
        ClientState state = state(session);
        int n = batch.size();
        Reply[] out = new Reply[n];
        int start = 0;
        while (start < n) {
            int end = start;
            while (end < n && CommandKeys.kind(batch.get(end)) != CommandKeys.Kind.SESSION) {
                end++;
            }
            end = Math.min(n, end + 1);
            int quitAt = runSegment(session, state, batch, start, end, out);
            if (quitAt >= 0) {
                for (int i = quitAt + 1; i < n; i++) {
                    out[i] = Reply.SUPPRESSED;
                }
                break;
            }
            start = end;
        }
        return out;
    }

    @Override
    public void onClosed(RespSession session) {
        if (!(session.attachment() instanceof ClientState state)) {
            return;
        }
        for (String id : state.backends()) {
            ProcessForwarder f = links.existing(id);
            if (f == null) {
                continue;
            }
            try {
                f.dropSession(session.id());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static ClientState state(RespSession session) {
        if (session.attachment() instanceof ClientState s) {
            return s;
        }
        ClientState s = new ClientState();
        session.attach(s);
        return s;
    }

    /** Plans and forwards batch[start, end); returns the index of a QUIT that ends the batch, or -1. */
    private int runSegment(RespSession session, ClientState state, List<Command> batch, int start, int end, Reply[] out)
            throws InterruptedException {
        LinkedHashMap<String, Group> groups = new LinkedHashMap<>();
        int quitAt = -1;
        for (int i = start; i < end && quitAt < 0; i++) {
            Command c = batch.get(i);
            switch (CommandKeys.kind(c)) {
                case LOCAL -> {
                    out[i] = LocalReplies.answer(c);
                    if (c.name().equals("QUIT")) {
                        quitAt = i;
                    }
                }
                case REFUSED -> out[i] = LocalReplies.refusal(c);
                case SESSION, HOME -> place(groups, i, home(session, state), out);
                case KEYED -> place(groups, i, routes.backendOf(c), out);
            }
        }
        forwardAll(session, state, batch, groups, out);
        Command last = batch.get(end - 1);
        if (quitAt < 0 && CommandKeys.kind(last) == CommandKeys.Kind.SESSION && !(out[end - 1] instanceof Reply.Error)) {
            recordSession(state, last);
        }
        return quitAt;
    }

    private static void recordSession(ClientState state, Command c) {
        if (c.hasOffHeap()) {
            return;
        }
        switch (c.name()) {
            case "HELLO", "AUTH" -> state.record(c.name(), c);
            default -> {
                if (c.size() == 3 && c.text(1).equalsIgnoreCase("SETNAME")) {
                    state.record("SETNAME", c);
                }
            }
        }
    }

    /** The client's home backend: a member of the first route placed by the connection, kept while it is a member. */
    private RouteTable.Placement home(RespSession session, ClientState state) {
        if (state.home() != null && routes.isMember(state.home())) {
            return new RouteTable.Placement(state.home(), null);
        }
        RouteTable.Placement p = routes.anyBackend("connection:" + session.id());
        if (p.error() == null) {
            state.home(p.backend());
        }
        return p;
    }

    private void place(LinkedHashMap<String, Group> groups, int i, RouteTable.Placement p, Reply[] out) {
        if (p.error() != null) {
            if (!p.error().text().startsWith("CROSSSLOT")) {
                refused.incrementAndGet();
            }
            out[i] = p.error();
            return;
        }
        groups.computeIfAbsent(p.backend().id(), id -> new Group(p.backend())).indexes.add(i);
    }

    private void forwardAll(RespSession session, ClientState state, List<Command> batch, LinkedHashMap<String, Group> groups,
                            Reply[] out) throws InterruptedException {
        List<Group> all = new ArrayList<>(groups.values());
        if (all.isEmpty()) {
            return;
        }
        List<Thread> extra = new ArrayList<>();
        InterruptedException[] interrupted = new InterruptedException[1];
        for (int g = 1; g < all.size(); g++) {
            Group group = all.get(g);
            extra.add(Thread.ofVirtual().name("resp-group").start(() -> {
                try {
                    forward(session, state, batch, group, out);
                } catch (InterruptedException e) {
                    interrupted[0] = e;
                }
            }));
        }
        forward(session, state, batch, all.getFirst(), out);
        for (Thread t : extra) {
            t.join();
        }
        if (interrupted[0] != null) {
            throw interrupted[0];
        }
    }

    /** Sends one group (after the session setup its backend lacks) and puts its replies in place. */
    private void forward(RespSession session, ClientState state, List<Command> batch, Group group, Reply[] out)
            throws InterruptedException {
        ProcessForwarder f = links.forwarder(group.backend);
        if (f == null) {
            for (int i : group.indexes) {
                out[i] = Reply.error("ERR the switch is closing; reconnect");
            }
            return;
        }
        List<Command> setup = state.setupFor(group.backend.id());
        Command[] commands = new Command[setup.size() + group.indexes.size()];
        for (int i = 0; i < setup.size(); i++) {
            commands[i] = setup.get(i);
        }
        for (int i = 0; i < group.indexes.size(); i++) {
            commands[setup.size() + i] = batch.get(group.indexes.get(i));
        }
        Reply[] replies = f.forward(session.client(), commands);
        state.noteApplied(group.backend.id());
        for (int i = 0; i < setup.size(); i++) {
            Reply.release(replies[i]);
        }
        for (int i = 0; i < group.indexes.size(); i++) {
            out[group.indexes.get(i)] = replies[setup.size() + i];
        }
        dispatched.addAndGet(group.indexes.size());
    }
}
