package dev.caravan.client;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.NamingConnections;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.NamingSpec;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.HostPort;
import dev.caravan.wire.node.ProcessInfo;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client library: look a process up by name and call it, with location and failure
 * transparency.
 *
 * <p>It caches each process's location (node and epoch). On a connection failure or a
 * {@link ErrorCode#NOT_HERE} answer it drops the cached location, looks the process up again
 * and retries, with growing pauses, until the deadline. Retrying is safe because every call
 * carries this client's id and a fresh request id, which the node uses to answer a repeated
 * request from its recent replies instead of executing it twice. A timeout is retried only
 * for commands the caller marks read-only.
 *
 * <p>Thread-safe: any number of threads may call at once; calls to one node share one
 * multiplexed connection.
 */
public final class CaravanClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CaravanClient.class.getName());
    /** How long a node may take to answer a new connection's HELLO before it counts as not answering. */
    public static final Duration NODE_HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration NODE_CALL_TIMEOUT = Duration.ofSeconds(30);

    private final NamingService naming;
    private final String token;
    private final Duration deadline;
    private final Clock clock;
    private final boolean ownsNaming;
    private final long clientId = new SecureRandom().nextLong() | 1;
    private final AtomicLong requestIds = new AtomicLong();
    private final Map<String, Location> locations = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, NodeControl> nodes = new ConcurrentHashMap<>();
    private final AtomicLong relocations = new AtomicLong();
    private final RemoteEvaluation evaluations = new RemoteEvaluation(this);

    /**
     * @param naming     the naming service to resolve names with
     * @param token      cluster token for node connections
     * @param deadline   how long one call may take, retries included
     * @param ownsNaming whether {@link #close} closes {@code naming}
     */
    public CaravanClient(NamingService naming, String token, Duration deadline, Clock clock, boolean ownsNaming) {
        this.naming = naming;
        this.token = token;
        this.deadline = deadline;
        this.clock = clock;
        this.ownsNaming = ownsNaming;
    }

    /** A client talking to the naming daemon at {@code namingAddress}. */
    public static CaravanClient connect(InetSocketAddress namingAddress, String token, Duration deadline) {
        return connect(NamingSpec.embedded(namingAddress), token, deadline);
    }

    /**
     * A client talking to the naming service {@code naming} names (Caravan's naming daemon, or
     * ZooKeeper when {@code caravan-naming-zk} is on the class path, see {@link NamingConnections}).
     *
     * @throws CaravanException UNAVAILABLE when no connector serves the spec's scheme, or (ZooKeeper) it cannot be reached
     */
    public static CaravanClient connect(NamingSpec naming, String token, Duration deadline) {
        NamingService service = NamingConnections.connect(naming, "client", token, Duration.ofSeconds(5), dev.caravan.wire.net.ClientTransport.current());
        return new CaravanClient(service, token, deadline, Clock.system(), true);
    }

    public NamingService naming() {
        return naming;
    }

    /** Calls {@code process} with text arguments. */
    public Reply call(String process, String... args) {
        return call(process, Command.of(args), false);
    }

    /**
     * Calls {@code process} and returns its reply (which may be a {@link Reply.Error} from the
     * process itself). Retries as described in the class comment.
     *
     * @param readOnly whether the command only reads, so that it may be retried after a timeout
     * @throws CaravanException NOT_FOUND if no such process is registered, PROCESS_FAILED at once
     *                          (with the reason) if it has failed, TIMEOUT or UNAVAILABLE when the
     *                          deadline passes without an answer (naming the node that did not answer)
     */
    public Reply call(String process, Command command, boolean readOnly) {
        long requestId = requestIds.incrementAndGet();
        long start = clock.nanoTime();
        long pauseMs = 10;
        CaravanException last = null;
        Location silent = null;
        while (true) {
            Location at;
            try {
                at = locate(process);
            } catch (CaravanException e) {
                if (e.code() == ErrorCode.NOT_FOUND && silent != null) {
                    throw new CaravanException(ErrorCode.UNAVAILABLE, "process " + process + " was registered on node "
                            + silent.node() + " (" + silent.control() + "), which stopped answering; its naming entry"
                            + " has expired since (the node is paused, cut off or dead)", last);
                }
                throw e;
            }
            NodeControl node = null;
            try {
                node = node(at.control());
            } catch (CaravanException e) {
                if (e.code() != ErrorCode.UNAVAILABLE && e.code() != ErrorCode.TIMEOUT) {
                    throw e;
                }
                // The node does not answer at all: say which node, and look the process up again (it may have moved).
                silent = at;
                last = new CaravanException(ErrorCode.UNAVAILABLE, "process " + process + " is registered on node " + at.node()
                        + " (" + at.control() + "), which does not answer: " + e.getMessage(), e);
                locations.remove(process, at);
            }
            if (node != null) {
                try {
                    return node.call(process, clientId, requestId, command);
                } catch (CaravanException e) {
                    last = onCallFailed(process, at, e, readOnly);
                }
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - start);
            if (elapsedMs + pauseMs > deadline.toMillis()) {
                throw new CaravanException(last.code() == ErrorCode.NOT_HERE ? ErrorCode.TIMEOUT : last.code(),
                        "no answer from " + process + " within " + deadline.toMillis() + " ms; last error: " + last.getMessage(), last);
            }
            relocations.incrementAndGet();
            pause(pauseMs);
            pauseMs = Math.min(500, pauseMs * 2);
        }
    }

    /**
     * Remote evaluation: ships {@code className} from bundle {@code jar} to the node hosting
     * {@code process} and runs it there beside the process's data within the budget (see
     * {@link RemoteEvaluation}); follows the process when it moves, as {@link #call} does.
     *
     * @throws CaravanException BUDGET_EXCEEDED when it ran over budget, CLASS_LOAD_FAILED for a
     *                          class that is missing or not a function, NOT_FOUND for no such process
     */
    public dev.caravan.wire.node.EvalResult evaluate(String process, byte[] jar, String className, List<byte[]> args,
                                                   Duration timeBudget, long memoryBudgetBytes) {
        return evaluations.evaluate(process, jar, null, className, args, timeBudget, memoryBudgetBytes);
    }

    /** As {@link #evaluate}, for a bundle already stored on the cluster under {@code bundleHash} (pulled by the node). */
    public dev.caravan.wire.node.EvalResult evaluateBundle(String process, String bundleHash, String className, List<byte[]> args,
                                                         Duration timeBudget, long memoryBudgetBytes) {
        return evaluations.evaluate(process, null, bundleHash, className, args, timeBudget, memoryBudgetBytes);
    }

    /** Forgets {@code process}'s cached location if it is still {@code at} (after a NOT_HERE). */
    void forget(String process, Location at) {
        locations.remove(process, at);
    }

    /** This client's deadline for one call, retries included. */
    Duration deadline() {
        return deadline;
    }

    /** Throws what is not worth retrying; forgets the location of what is, and returns it. */
    private CaravanException onCallFailed(String process, Location at, CaravanException e, boolean readOnly) {
        boolean retry = switch (e.code()) {
            case NOT_HERE, UNAVAILABLE -> true;
            case TIMEOUT -> readOnly;
            default -> false;
        };
        if (!retry) {
            throw e;
        }
        locations.remove(process, at);
        if (e.code() == ErrorCode.UNAVAILABLE) {
            dropNode(at.control());
        }
        return e;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ErrorCode.UNAVAILABLE.exception("interrupted while retrying");
        }
    }

    /** The cached location of {@code process}, resolving it if not cached. */
    public Location locate(String process) {
        Location cached = locations.get(process);
        if (cached != null) {
            return cached;
        }
        Location fresh = resolve(process).orElseThrow(() ->
                ErrorCode.NOT_FOUND.exception("no process named '" + process + "' is registered"));
        locations.put(process, fresh);
        return fresh;
    }

    /** Looks {@code process} up in naming, bypassing the cache. */
    public Optional<Location> resolve(String process) {
        return naming.lookup("process/" + process).map(CaravanClient::toLocation);
    }

    static Location toLocation(NamingEntry e) {
        String control = e.attribute("control");
        if (control == null) {
            throw ErrorCode.MALFORMED.exception("naming entry " + e.name() + " has no control endpoint");
        }
        return new Location(e.name().substring("process/".length()), e.node(), HostPort.parse(control),
                new InetSocketAddress(e.host(), e.port()), e.epoch());
    }

    /** How many times calls had to re-resolve and retry (for tests and stats). */
    public long relocations() {
        return relocations.get();
    }

    /** The control connection to a node, opened on first use. */
    public NodeControl node(InetSocketAddress control) {
        NodeControl c = nodes.get(control);
        if (c != null && c.isOpen()) {
            return c;
        }
        NodeControl fresh = NodeControl.connect(control, "client", token, NODE_HANDSHAKE_TIMEOUT, NODE_CALL_TIMEOUT);
        NodeControl prev = nodes.put(control, fresh);
        if (prev != null) {
            prev.close();
        }
        return fresh;
    }

    private void dropNode(InetSocketAddress control) {
        NodeControl c = nodes.remove(control);
        if (c != null) {
            c.close();
        }
    }

    /** The nodes registered in naming, as (node id → control endpoint). */
    public Map<String, InetSocketAddress> nodes() {
        Map<String, InetSocketAddress> out = new java.util.TreeMap<>();
        List<NamingEntry> entries = naming.list("node/");
        for (NamingEntry e : entries) {
            out.put(e.node(), new InetSocketAddress(e.host(), e.port()));
        }
        return out;
    }

    /** What one node answered to a listing: its processes, or why it did not answer in time ("" if it did). */
    public record NodeListing(String node, InetSocketAddress control, List<ProcessInfo> processes, String unreachable) {
        public boolean reachable() {
            return unreachable.isEmpty();
        }
    }

    /**
     * Lists every registered node's processes, asking all nodes at once on connections of their
     * own, and waits at most {@code perNode} for each: a node that is paused or cut off shows up
     * as unreachable instead of holding up the answer.
     */
    public List<NodeListing> listAll(Duration perNode) {
        Map<String, InetSocketAddress> all = nodes();
        Map<String, CompletableFuture<List<ProcessInfo>>> asked = new java.util.TreeMap<>();
        for (Map.Entry<String, InetSocketAddress> n : all.entrySet()) {
            CompletableFuture<List<ProcessInfo>> f = new CompletableFuture<>();
            Thread.ofVirtual().name("list-" + n.getKey()).start(() -> {
                try (NodeControl c = NodeControl.connect(n.getValue(), "client", token, perNode, perNode)) {
                    f.complete(c.list(perNode));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            asked.put(n.getKey(), f.orTimeout(perNode.toMillis(), TimeUnit.MILLISECONDS));
        }
        List<NodeListing> out = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<List<ProcessInfo>>> a : asked.entrySet()) {
            InetSocketAddress control = all.get(a.getKey());
            try {
                out.add(new NodeListing(a.getKey(), control, a.getValue().join(), ""));
            } catch (java.util.concurrent.CompletionException e) {
                String why = e.getCause() instanceof java.util.concurrent.TimeoutException
                        ? "no answer within " + perNode.toMillis() + " ms" : String.valueOf(e.getCause().getMessage());
                out.add(new NodeListing(a.getKey(), control, List.of(), why));
            }
        }
        return out;
    }

    @Override
    public void close() {
        for (NodeControl c : nodes.values()) {
            c.close();
        }
        nodes.clear();
        if (ownsNaming) {
            try {
                naming.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing naming client: " + e);
            }
        }
    }
}
