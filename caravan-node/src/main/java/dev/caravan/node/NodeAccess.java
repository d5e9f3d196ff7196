package dev.caravan.node;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameConnection;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.node.SecuritySettings;
import dev.caravan.wire.security.Identity;
import dev.caravan.wire.security.OpPolicy;
import dev.caravan.wire.security.Role;
import dev.caravan.wire.security.TokenAuthenticator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node control port's access control: who the peer is ({@link TokenAuthenticator}), what its
 * role lets it do ({@link OpPolicy}), which processes and bundles a tenant sees (its slice's only;
 * anything else is NOT_FOUND, as if it did not exist), the slice a deploy belongs to and its
 * quotas, and who may cancel a running migration (whoever asked for it, or a cluster member).
 *
 * <p>Every refusal is answered with one line, logged at INFO and published as a
 * {@code request-refused} event.
 *
 * <p>Thread-safe: called from every control connection's thread.
 */
final class NodeAccess {
    private static final System.Logger LOG = System.getLogger(NodeAccess.class.getName());
    /** Ops whose body starts with {@code string processName}: a tenant may make them on its slice's processes only. */
    private static final Set<Integer> ON_A_PROCESS = Set.of(Op.NODE_STOP, Op.NODE_INSPECT, Op.NODE_CALL, Op.NODE_MIGRATE,
            Op.NODE_CHECKPOINT, Op.NODE_EVAL, Op.NODE_AGENT_RECALL, Op.NODE_MIGRATE_CANCEL, Op.NODE_QUOTAS);

    private final NodeDaemon node;
    private final TokenAuthenticator authenticator;
    /** Who asked for each running migration or checkpoint, by process name. */
    private final Map<String, Identity> moveOwners = new ConcurrentHashMap<>();
    /** Who asked for the running drain (owner of the moves it makes); null when none runs. */
    private volatile Identity drainOwner;
    /** The slices that put each bundle here (a tenant may fetch or start only its slice's bundles); in memory only: after a restart a tenant puts its bundle again. */
    private final Map<String, Set<String>> bundleSlices = new ConcurrentHashMap<>();

    NodeAccess(NodeDaemon node, String clusterToken, NodeAccessSettings settings) {
        this.node = node;
        this.authenticator = new TokenAuthenticator(clusterToken, settings.tokens());
    }

    /** Who a token makes its bearer (also on the admin port). */
    TokenAuthenticator authenticator() {
        return authenticator;
    }

    Identity authenticate(Hello hello) {
        return authenticator.authenticate(hello);
    }

    /**
     * Checks the caller's role for the op and, for a tenant, that the process or bundle it names is its slice's.
     *
     * @throws CaravanException FORBIDDEN (logged and published), NOT_FOUND for another slice's process or bundle
     */
    void authorize(FrameConnection connection, Frame request) {
        Identity who = connection.identity();
        String why = OpPolicy.refusal(who, request.type());
        if (why != null) {
            throw refuse(who, request.type(), why);
        }
        if (!who.inSlice()) {
            return;
        }
        if (ON_A_PROCESS.contains(request.type())) {
            String name = request.reader().string();
            if (!who.canReach(sliceOf(name))) {
                throw ErrorCode.NOT_FOUND.exception("no process " + name + " on node " + node.nodeId());
            }
        } else if (request.type() == Op.NODE_GET_BUNDLE || request.type() == Op.NODE_GET_BUNDLE_SIGNATURE) {
            String hash = request.reader().string();
            if (!slicesBundle(hash, who.slice())) {
                throw ErrorCode.NOT_FOUND.exception("no bundle " + hash + " on node " + node.nodeId());
            }
        }
    }

    /** Publishes and logs a refusal; returns the FORBIDDEN to throw. */
    CaravanException refuse(Identity who, int op, String why) {
        LOG.log(System.Logger.Level.INFO, "node " + node.nodeId() + " refused " + Op.name(op) + ": " + why);
        node.nodeEvents().refused(who, Op.name(op), why);
        return ErrorCode.FORBIDDEN.exception(why);
    }

    /** The slice of a process here; "" when it has none or is not here (a cluster process, or NOT_HERE further on). */
    private String sliceOf(String processName) {
        for (HostedProcess p : node.hostedProcesses()) {
            if (p.spec().name().equals(processName)) {
                return p.spec().config().getOrDefault(SecuritySettings.SLICE, "");
            }
        }
        return "";
    }

    /** Whether {@code slice} put bundle {@code hash} on this node (remembered in memory only) or runs it here. */
    private boolean slicesBundle(String hash, String slice) {
        return bundleSlices.getOrDefault(hash, Set.of()).contains(slice) || usedBySlice(hash, slice);
    }

    private boolean usedBySlice(String hash, String slice) {
        return node.hostedProcesses().stream().anyMatch(p -> p.spec().bundleHash().equals(hash)
                && slice.equals(p.spec().config().get(SecuritySettings.SLICE)));
    }

    /** The listing a caller may see: a tenant's own slice's processes only. */
    List<ProcessInfo> visible(Identity who, List<ProcessInfo> all) {
        if (!who.inSlice()) {
            return all;
        }
        Map<String, String> sliceByName = new HashMap<>();
        node.hostedProcesses().forEach(p -> sliceByName.put(p.spec().name(), p.spec().config().getOrDefault(SecuritySettings.SLICE, "")));
        return all.stream().filter(i -> who.slice().equals(sliceByName.get(i.name()))).toList();
    }

    /** Remembers that a tenant put this bundle here, so it may fetch it back. */
    void onBundlePut(Identity who, String hash) {
        if (who.inSlice()) {
            bundleSlices.computeIfAbsent(hash, h -> ConcurrentHashMap.newKeySet()).add(who.slice());
        }
    }

    /**
     * Deploys {@code requested} as {@code who}: the process's slice and owner are set from the caller (a tenant's own
     * slice; a cluster-wide caller may name one with {@link SecuritySettings#SLICE}), and its slice's quotas checked.
     *
     * @throws CaravanException NOT_FOUND for a slice with no definition, QUOTA_EXCEEDED when it would not fit
     */
    ProcessInfo deploy(Identity who, ProcessSpec requested) throws Exception {
        String asked = Identity.checkSlice(requested.config().getOrDefault(SecuritySettings.SLICE, ""));
        if (who.inSlice() && !asked.isEmpty() && !asked.equals(who.slice())) {
            throw refuse(who, Op.NODE_START, who.name() + " (slice " + who.slice() + ") may not deploy into slice " + asked
                    + ": a tenant deploys into its own slice only");
        }
        if (who.inSlice() && !requested.bundleHash().isEmpty() && !slicesBundle(requested.bundleHash(), who.slice())) {
            throw ErrorCode.NOT_FOUND.exception("no bundle " + requested.bundleHash() + " put by slice " + who.slice()
                    + " on node " + node.nodeId() + ": put it on the node the process runs on (caravan deploy without --push-to)");
        }
        String slice = who.inSlice() ? who.slice() : asked;
        Map<String, String> config = new HashMap<>(requested.config());
        config.remove(SecuritySettings.SLICE);
        if (!slice.isEmpty()) {
            config.put(SecuritySettings.SLICE, slice);
        }
        config.put(SecuritySettings.OWNER, who.name());
        ProcessSpec spec = new ProcessSpec(requested.name(), requested.sample(), requested.bundleHash(), requested.className(),
                requested.memoryBytes(), config);
        return node.sliceQuotas().deploy(spec, () -> node.startProcess(spec));
    }

    // ---- out-of-band cancel: only by whoever asked -------------------------------------------

    /** Runs a migration or checkpoint of {@code process} as {@code who}'s request. */
    <T> T asRequestOf(Identity who, String process, ThrowingSupplier<T> move) throws Exception {
        Identity previous = moveOwners.putIfAbsent(process, who);
        try {
            return move.get();
        } finally {
            if (previous == null) {
                moveOwners.remove(process, who);
            }
        }
    }

    /** Runs a drain as {@code who}'s request: the moves it makes are {@code who}'s. */
    <T> T asDrainOf(Identity who, ThrowingSupplier<T> drain) throws Exception {
        drainOwner = who;
        try {
            return drain.get();
        } finally {
            drainOwner = null;
        }
    }

    /**
     * Checks that {@code who} may cancel the move of {@code process}: the identity that asked for it, or a cluster
     * member (a node draining or shutting down) — not even an admin may cancel another's request.
     *
     * @throws CaravanException FORBIDDEN (logged and published)
     */
    void checkCancel(Identity who, String process) {
        if (who.role() == Role.NODE || !node.migration().isMoving(process)) {
            return;
        }
        Identity owner = moveOwners.get(process);
        if (owner == null) {
            owner = drainOwner;
        }
        if (owner != null && owner.name().equals(who.name()) && owner.via().equals(who.via())) {
            return;
        }
        throw refuse(who, Op.NODE_MIGRATE_CANCEL, who.name() + " may not cancel the move of " + process + ": "
                + (owner == null ? "the node itself started it" : "it was requested by " + owner.name())
                + "; only its requester may");
    }

    /** A step that may throw, for {@link #asRequestOf} and {@link #asDrainOf}. */
    @FunctionalInterface
    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    /** Used for a process's naming entry: the slice it belongs to, when any. */
    static void publishSlice(ProcessSpec spec, Map<String, String> attributes) {
        String slice = spec.config().getOrDefault(SecuritySettings.SLICE, "");
        if (!slice.isEmpty()) {
            attributes.put(SecuritySettings.SLICE, slice);
        }
        attributes.put(SliceUsage.MEMORY_ATTRIBUTE, Long.toString(spec.memoryBytes()));
    }
}
