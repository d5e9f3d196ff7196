package dev.caravan.switching.handoff;

import dev.caravan.naming.NamingEntry;
import dev.caravan.servers.handoff.HandoffReply;
import dev.caravan.servers.handoff.HandoffSender;
import dev.caravan.servers.handoff.HandoffUnansweredException;
import dev.caravan.servers.handoff.HostIdentity;
import dev.caravan.switching.Backend;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.Frontend;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.SwitchContext;
import dev.caravan.switching.policy.DispatchKey;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A HANDOFF front end — the chapter's distributor for TCP handoff. For each client connection it
 * reads the first request only ({@link FirstRequest}), asks the route's {@link Dispatcher} for a
 * backend (a process), then passes the live connection — its descriptor and the bytes already
 * read — to the node that runs that process, over the node's Unix-domain handoff socket
 * ({@link HandoffSender}; the node's entry {@code node/<id>} advertises it as {@code handoff}).
 * The process's data endpoint adopts the connection and answers the client directly: the switch
 * closes its own copy of the descriptor at once and has left the data path; the ticket is closed
 * when the node acknowledged the handoff.
 *
 * <p>Fallback: when the node is on another host (the host rule of {@link NodeLocator}: same
 * machine and network namespace, by {@link dev.caravan.servers.handoff.HostIdentity}), advertises
 * no handoff socket, its socket cannot be reached, or it refuses, the switch splices the
 * connection itself ({@link Splice}) and counts it. Each node's mode ({@link #backendMode}:
 * {@code handoff}, {@code splice (other host)}, …) is kept; when it changes the switch logs
 * {@code front end <name>: clients of <node> are spliced, not handed off: <why>} once (each
 * connection only at DEBUG), and the admin API shows it per backend. A node that was asked
 * but did not answer (within the sender's timeout) may have adopted the connection: the switch
 * then lets the client go without splicing ({@link #unanswered()}), so that a connection never
 * has two owners.
 *
 * <p>Threading: one platform thread accepts; each connection is served by a virtual thread
 * until it is handed off or its relay ends. Counters are read from any thread.
 */
public final class HandoffFrontend implements Frontend {
    private static final System.Logger LOG = System.getLogger(HandoffFrontend.class.getName());
    /** A client that sends no complete first request this long is closed. */
    static final int FIRST_REQUEST_TIMEOUT_MS = 30_000;

    private final FrontendSpec spec;
    private final SwitchContext context;
    private final Dispatcher dispatcher;
    private final NodeLocator nodes;
    /** How long a node may take to answer a handoff before the switch lets the client go. */
    static final Duration HANDOFF_TIMEOUT = Duration.ofSeconds(5);

    private final HandoffSender sender;
    private final ServerSocketChannel listener;
    private final InetSocketAddress address;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final AtomicLong dispatched = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong handedOff = new AtomicLong();
    private final AtomicLong fallenBack = new AtomicLong();
    private final AtomicLong refusedByNodes = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    private final AtomicLong firstRequestBytes = new AtomicLong();
    private final AtomicLong splicedBytes = new AtomicLong();
    /** node id → how its backends' clients were served last (a {@link NodeLocator} mode label). */
    private final Map<String, String> nodeModes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * Binds and starts accepting.
     *
     * @throws CaravanException INVALID_ARGUMENT when the spec's mode is not HANDOFF; UNAVAILABLE naming the address
     *                          when it cannot be bound
     */
    public HandoffFrontend(FrontendSpec spec, SwitchContext context) {
        this(spec, context, HANDOFF_TIMEOUT, HostIdentity.local());
    }

    /**
     * As {@link #HandoffFrontend(FrontendSpec, SwitchContext)}, waiting {@code handoffTimeout} for a node's answer,
     * as a switch whose {@link HostIdentity} is {@code localHostId} (tests).
     */
    HandoffFrontend(FrontendSpec spec, SwitchContext context, Duration handoffTimeout, String localHostId) {
        if (spec.mode() != DispatchMode.HANDOFF) {
            throw ErrorCode.INVALID_ARGUMENT.exception("front end " + spec.name() + " is " + spec.mode() + ", not handoff");
        }
        this.spec = spec;
        this.context = context;
        this.dispatcher = context.dispatcher(spec, spec.routes().getFirst());
        this.nodes = new NodeLocator(context.naming(), localHostId);
        this.sender = new HandoffSender(handoffTimeout);
        try {
            // The family is chosen, not left dual-stack, so that the node is told the passed socket's real family.
            listener = ServerSocketChannel.open(spec.listen().getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            listener.bind(spec.listen(), 1024);
            address = (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            sender.close();
            throw dev.caravan.switching.BindFailure.of(spec.name(), spec.listen(), e);
        }
        acceptor = Thread.ofPlatform().daemon(true).name("handoff-" + spec.name() + "-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "front end " + spec.name() + ": accept failed: " + HandoffSender.describe(e));
                }
                continue;
            }
            clients.add(ch);
            Thread.ofVirtual().name("handoff-" + spec.name()).start(() -> {
                try {
                    serve(ch);
                } finally {
                    clients.remove(ch);
                    closeQuietly(ch);
                }
            });
        }
    }

    /** One client: first request, dispatch, handoff or splice. */
    private void serve(SocketChannel ch) {
        InetSocketAddress client;
        byte[] first;
        try {
            client = (InetSocketAddress) ch.getRemoteAddress();
            ch.socket().setSoTimeout(FIRST_REQUEST_TIMEOUT_MS);
            first = FirstRequest.read(ch.socket().getInputStream(), spec.protocol());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "front end " + spec.name() + ": client gone before its first request: "
                    + HandoffSender.describe(e));
            return;
        }
        if (first.length == 0) {
            return;
        }
        firstRequestBytes.addAndGet(first.length);
        Dispatcher.Ticket ticket;
        try {
            ticket = dispatcher.dispatch(new DispatchKey(client.getAddress(), null, null)).get();
        } catch (ExecutionException e) {
            refused.incrementAndGet();
            String why = e.getCause() instanceof CaravanException c ? c.getMessage() : HandoffSender.describe(e.getCause());
            answerUnavailable(ch, why);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        dispatched.incrementAndGet();
        try (ticket) {
            Backend backend = ticket.backend();
            long startNs = context.clock().nanoTime();
            NodeLocator.Found outcome;
            try {
                outcome = tryHandOff(ch, backend, first);
            } catch (HandoffUnansweredException e) {
                // The node may own the client now: splicing as well would give it two owners. Let go.
                unanswered.incrementAndGet();
                ticket.onFailure(e.getMessage());
                LOG.log(System.Logger.Level.WARNING, "handoff to " + nodeName(backend) + " unanswered: " + e.getMessage()
                        + "; the switch let the client connection go (the node may serve it)");
                return;
            }
            onMode(outcome);
            if (outcome.socket() != null) {
                handedOff.incrementAndGet();
                ticket.onSuccess(context.clock().nanoTime() - startNs);
                return; // serve()'s caller closes the switch's copy; the node's stays open
            }
            fallenBack.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, "handoff unavailable for " + nodeName(backend) + ": " + outcome.whyNot() + "; splicing");
            try {
                Splice.run(ch, first, backend.address(), splicedBytes);
                ticket.onSuccess(context.clock().nanoTime() - startNs);
            } catch (IOException e) {
                ticket.onFailure("cannot reach " + backend.address() + ": " + HandoffSender.describe(e));
                answerUnavailable(ch, "backend " + backend.id() + " cannot be reached");
            }
        }
    }

    /** A mode seen for a node (serving a client, or asked by the admin API): kept for {@link #backendMode}, logged when it changes. */
    private void onMode(NodeLocator.Found outcome) {
        String node = outcome.node();
        String before = nodeModes.put(node, outcome.mode());
        if (outcome.mode().equals(before)) {
            return;
        }
        if (outcome.socket() != null) {
            LOG.log(System.Logger.Level.INFO, "front end " + spec.name() + ": clients of " + node + " are handed off"
                    + (before == null ? "" : " again (was " + before + ")"));
        } else {
            LOG.log(System.Logger.Level.INFO, "front end " + spec.name() + ": clients of " + node
                    + " are spliced, not handed off: " + outcome.whyNot());
        }
    }

    /**
     * The outcome for one client: {@link NodeLocator.Found#socket()} set when the node adopted the connection;
     * otherwise the splice mode and why (the client is still ours).
     *
     * @throws HandoffUnansweredException when the node was asked but did not answer: the client is no longer only ours
     */
    private NodeLocator.Found tryHandOff(SocketChannel ch, Backend backend, byte[] first) throws HandoffUnansweredException {
        Optional<NamingEntry> process;
        try {
            process = context.naming().lookup("process/" + backend.id());
        } catch (CaravanException e) {
            return NodeLocator.Found.splice(backend.node(), NodeLocator.SPLICE_NAMING, "naming lookup failed: " + e.getMessage());
        }
        String node = process.map(NamingEntry::node).orElse(backend.node());
        long epoch = process.map(NamingEntry::epoch).orElse(0L);
        NodeLocator.Found found = nodes.find(node);
        if (found.socket() == null) {
            return found;
        }
        Path socket = found.socket();
        HandoffReply reply;
        try {
            reply = sender.handOff(socket, context.linkToken(), backend.id(), epoch, ch, first);
        } catch (HandoffUnansweredException e) {
            throw e;
        } catch (IOException | CaravanException e) {
            return NodeLocator.Found.splice(node, NodeLocator.SPLICE_UNREACHABLE,
                    "cannot hand off through " + socket + ": " + HandoffSender.describe(e));
        }
        if (!reply.adopted()) {
            refusedByNodes.incrementAndGet();
            return NodeLocator.Found.splice(node, NodeLocator.SPLICE_REFUSED, "refused (" + reply.error() + "): " + reply.message());
        }
        return found;
    }

    /**
     * How this front end serves the clients of a backend on {@code node}: {@code handoff}, or
     * {@code splice (<why>)} — {@code other host}, {@code no handoff socket}, {@code refused by node}, … — as
     * the last client of that node was served, or as the host rule says when none was yet (one naming lookup).
     */
    @Override
    public String backendMode(String backendId, String node) {
        String known = nodeModes.get(node == null ? "" : node);
        if (known != null) {
            return known;
        }
        NodeLocator.Found found = nodes.find(node == null ? "" : node);
        onMode(found);
        return found.mode();
    }

    private static String nodeName(Backend b) {
        return b.node().isEmpty() ? "backend " + b.id() : b.node();
    }

    /** What a client gets when no backend takes it: its protocol's error, then the connection closes. */
    private void answerUnavailable(SocketChannel ch, String why) {
        String line = why.replace('\r', ' ').replace('\n', ' ');
        String text = switch (spec.protocol()) {
            case RESP -> "-ERR no backend for " + spec.name() + ": " + line + "\r\n";
            case HTTP -> {
                String body = "no backend for " + spec.name() + ": " + line + "\n";
                yield "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
            }
            case TCP -> "";
        };
        try {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException ignored) {
            // The client is gone already.
        }
    }

    @Override
    public FrontendSpec spec() {
        return spec;
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    /** Connections held by the switch now: reading a first request, being handed off, or spliced. */
    @Override
    public int clientConnections() {
        return clients.size();
    }

    @Override
    public long dispatched() {
        return dispatched.get();
    }

    @Override
    public long refused() {
        return refused.get();
    }

    /** Connections a node adopted so far. */
    public long handedOff() {
        return handedOff.get();
    }

    /** Connections the switch spliced itself because no handoff was possible (each logged with why). */
    public long fallenBack() {
        return fallenBack.get();
    }

    /** Handoffs a node refused (a subset of {@link #fallenBack()}). */
    public long refusedByNodes() {
        return refusedByNodes.get();
    }

    /** Handoffs a node was asked for but did not answer in time: the switch let those clients go, never spliced them. */
    public long unanswered() {
        return unanswered.get();
    }

    /** Bytes the switch read from clients before handing off or splicing: their first requests only. */
    public long firstRequestBytes() {
        return firstRequestBytes.get();
    }

    /** Bytes the switch relayed, both ways, for connections it spliced. */
    public long splicedBytes() {
        return splicedBytes.get();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(listener);
        clients.forEach(HandoffFrontend::closeQuietly);
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.close();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Best effort.
        }
    }
}
