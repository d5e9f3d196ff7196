package dev.caravan.node.balance;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.node.LoadReport;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.PullRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A node's load balancer. Every period ({@link #doWork}) it samples the node's load and, by its
 * {@link BalanceMode}, pushes a process away when the node is overloaded or asks a loaded node for
 * one when it is idle ({@link BalancePolicy} decides); it answers other nodes' pull requests
 * ({@link #onPull}).
 *
 * <p>Probing is the classic threshold policy's: random other nodes one at a time, stopping at the
 * first that is a partner (for a push, a node that may take a process; for a pull, an overloaded
 * one) or at the probe limit. It counts every probe it sends and those that found a partner
 * ({@link #probesSent}, {@link #probesFound}; both in {@link #lastReport}, so a BALANCE_PROBE of this
 * node reads them): the rest were wasted.
 *
 * <p>Against ping-pong: the hysteresis band of the policy; at most one balancing migration in
 * flight from this node; a process that moved (out by this balancer, or in from anywhere:
 * {@link #onArrived}) is not moved again for the cooldown; after a move or an arrival the node
 * waits two periods so that the next decision sees the load the move left; the minimum gain.
 *
 * <p>Threading: {@link #doWork} on one thread (the node's balancer thread, or a test); probes and
 * pull requests to other nodes run on it outside the lock. {@link #onPull}, {@link #onArrived},
 * {@link #setMode} and the readers may be called from any thread. Time comes from the injected
 * {@link Clock}; which peers are probed, from the injected random generator.
 */
public final class Balancer {
    /** The node as the balancer sees it. Implementations are thread-safe. */
    public interface Host {
        String nodeId();

        boolean schedulable();

        /** The node JVM's recent CPU use in thousandths of the machine, -1 if unknown. */
        int cpuPermille();

        long processMemoryBytes();

        /** The processes hosted now, by name. */
        Map<String, ProcessSample> processes();

        /** The other nodes' ids (any order). */
        List<String> peers();

        /** The load of {@code node}; throws {@link CaravanException} when it does not answer. */
        LoadReport probe(String node);

        /** Asks {@code node} to push a process here; throws {@link CaravanException} when it does not answer. */
        PullRequest.Reply askPull(String node, PullRequest request);

        /** Starts moving {@code process} to {@code toNode}; the future ends with the migration's report or refusal. */
        CompletableFuture<MigrationReport> migrate(String process, String toNode);
    }

    /** What the balancer reads of a process: its running count of commands served and its paged-memory capacity. */
    public record ProcessSample(long commandsServed, long memoryBytes) {
    }

    /** One balancing migration this node started. */
    public record Moved(String process, String toNode, boolean pulled, long atMs) {
    }

    private record InFlight(BalancePolicy.Move move, CompletableFuture<MigrationReport> result) {
    }

    private final Host host;
    private final Clock clock;
    private final RandomGenerator random;
    private final BalanceEvents events;
    private final LoadSampler sampler = new LoadSampler();
    private final AtomicLong probesSent = new AtomicLong();
    private final AtomicLong probesFound = new AtomicLong();
    private volatile BalanceSettings settings;
    private volatile BalancePolicy policy;
    /** The load measured at the last sample; its probe counts are not kept here but read when reported. */
    private volatile LoadReport measured;
    private Map<String, Double> processLoads = Map.of();
    /** Process → when it last moved (in or out): the cooldown starts there. */
    private final Map<String, Long> movedAtMs = new HashMap<>();
    private final List<Moved> moves = new ArrayList<>();
    private InFlight inFlight;
    private long quietUntilMs;
    private String lastRefusal = "";

    public Balancer(Host host, BalanceSettings settings, Clock clock, RandomGenerator random, BalanceEvents events) {
        this.host = host;
        this.settings = settings;
        this.policy = new BalancePolicy(settings);
        this.clock = clock;
        this.random = random;
        this.events = events;
        this.measured = new LoadReport(host.nodeId(), true, settings.mode().label(), -1, 0, 0, 0, 0, false, 0, 0);
    }

    public BalanceSettings settings() {
        return settings;
    }

    /**
     * The load measured at the last {@link #doWork}, with the probe counts as they are now: what a
     * BALANCE_PROBE of this node answers.
     */
    public LoadReport lastReport() {
        LoadReport r = measured;
        return new LoadReport(r.nodeId(), r.schedulable(), r.mode(), r.cpuPermille(), r.memoryPermille(), r.ratePermille(),
                r.commandsPerSecond(), r.processCount(), r.migrating(), probesSent.get(), probesFound.get());
    }

    /** BALANCE_PROBEs this balancer has sent since it was made, answered or not (a mode change does not reset it). */
    public long probesSent() {
        return probesSent.get();
    }

    /** Of {@link #probesSent}, those that found a partner. */
    public long probesFound() {
        return probesFound.get();
    }

    /** The balancing migrations this node started since its mode was last set, oldest first. */
    public synchronized List<Moved> moves() {
        return List.copyOf(moves);
    }

    /**
     * Sets the mode and starts afresh: cooldowns, the quiet time and the list of moves are forgotten
     * (a migration in flight runs on and is still counted against the one-in-flight limit).
     */
    public synchronized void setMode(BalanceMode mode) {
        settings = settings.withMode(mode);
        policy = new BalancePolicy(settings);
        movedAtMs.clear();
        moves.clear();
        quietUntilMs = 0;
        lastRefusal = "";
        measured = withMode(measured);
    }

    /** A process arrived here (from anywhere): it is in its cooldown, and the node waits to measure it. */
    public synchronized void onArrived(String process) {
        long now = clock.nowMs();
        movedAtMs.put(process, now);
        quietUntilMs = now + 2 * settings.periodMs();
    }

    /** One period: collect an ended migration, sample, and decide. Returns 1 when it started or asked for a move. */
    public int doWork() {
        long now = clock.nowMs();
        double own;
        BalanceMode mode;
        synchronized (this) {
            collectFinished(now);
            sample(now);
            mode = settings.mode();
            if (mode == BalanceMode.OFF || inFlight != null || now < quietUntilMs) {
                return 0;
            }
            own = settings.metric().of(measured);
        }
        if (mode.pushes() && policy.overloaded(own)) {
            return push(own);
        }
        if (mode.pulls() && policy.idle(own) && host.schedulable()) {
            return pull(own);
        }
        return 0;
    }

    private int push(double own) {
        List<LoadReport> probed = probe(policy::canReceive);
        synchronized (this) {
            if (inFlight != null) {
                return 0;
            }
            BalancePolicy.Decision d = policy.push(own, movable(clock.nowMs()), probed);
            if (d instanceof BalancePolicy.Move move) {
                start(move, false);
                return 1;
            }
            refuse(((BalancePolicy.Stay) d).why());
            return 0;
        }
    }

    private int pull(double own) {
        List<LoadReport> probed = probe(policy::canSend);
        var from = policy.pullFrom(own, probed);
        if (from.isEmpty()) {
            synchronized (this) {
                refuse("idle, but none of the " + probed.size() + " probed node(s) is above the high threshold "
                        + BalancePolicy.pct(settings.high()));
            }
            return 0;
        }
        String node = from.get().nodeId();
        PullRequest.Reply reply;
        try {
            reply = host.askPull(node, new PullRequest(host.nodeId(), settings.metric().label(), (int) Math.round(own * 1000)));
        } catch (CaravanException e) {
            reply = PullRequest.Reply.refused(node + " did not answer the pull: " + e.getMessage());
        }
        synchronized (this) {
            if (!reply.accepted()) {
                refuse("pull from " + node + " refused: " + reply.detail());
                return 0;
            }
            events.pulled(node, reply.process());
            lastRefusal = "";
            // Until the process arrives (onArrived), this node would still look idle: do not ask twice.
            quietUntilMs = clock.nowMs() + Math.max(10_000, 2 * settings.periodMs());
            return 1;
        }
    }

    /**
     * Another node asks for a process (receiver-initiated). Starts pushing one to it and says which,
     * or says why not.
     */
    public synchronized PullRequest.Reply onPull(PullRequest request) {
        BalanceSettings s = settings;
        String refusal = null;
        if (s.mode() == BalanceMode.OFF) {
            refusal = "balancing is off on node " + host.nodeId();
        } else if (!s.metric().label().equals(request.metric())) {
            refusal = "node " + host.nodeId() + " balances by " + s.metric().label() + ", not " + request.metric();
        } else if (inFlight != null) {
            refusal = "node " + host.nodeId() + " already has a balancing migration in flight";
        } else if (clock.nowMs() < quietUntilMs) {
            refusal = "node " + host.nodeId() + " is measuring the load its last move left";
        }
        if (refusal == null) {
            BalancePolicy.Decision d = policy.onPull(s.metric().of(measured), request.fromNode(),
                    request.loadPermille() / 1000.0, movable(clock.nowMs()));
            if (d instanceof BalancePolicy.Move move) {
                start(move, true);
                return new PullRequest.Reply(true, move.process(), "");
            }
            refusal = ((BalancePolicy.Stay) d).why();
        }
        events.refused("pull from " + request.fromNode() + " refused: " + refusal);
        return PullRequest.Reply.refused(refusal);
    }

    private void start(BalancePolicy.Move move, boolean pulled) {
        CompletableFuture<MigrationReport> f;
        try {
            f = host.migrate(move.process(), move.toNode());
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        inFlight = new InFlight(move, f);
        long now = clock.nowMs();
        movedAtMs.put(move.process(), now);
        moves.add(new Moved(move.process(), move.toNode(), pulled, now));
        lastRefusal = "";
        LoadReport m = measured;
        measured = new LoadReport(m.nodeId(), m.schedulable(), m.mode(), m.cpuPermille(), m.memoryPermille(), m.ratePermille(),
                m.commandsPerSecond(), m.processCount(), true, 0, 0);
        events.pushed(move, pulled);
    }

    private void collectFinished(long now) {
        if (inFlight == null || !inFlight.result().isDone()) {
            return;
        }
        InFlight done = inFlight;
        inFlight = null;
        quietUntilMs = now + 2 * settings.periodMs();
        BalancePolicy.Move move = done.move();
        movedAtMs.put(move.process(), now);
        try {
            MigrationReport r = done.result().join();
            events.moved(move.process(), move.toNode(), r.outcome() == MigrationOutcome.COMMITTED,
                    r.outcome() + (r.detail().isEmpty() ? "" : ": " + r.detail()));
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            events.moved(move.process(), move.toNode(), false, cause instanceof CaravanException ce ? ce.getMessage()
                    : String.valueOf(cause));
        }
    }

    private void sample(long now) {
        Map<String, ProcessSample> processes = host.processes();
        Map<String, Long> counts = new LinkedHashMap<>();
        long reserved = 0;
        for (var e : processes.entrySet()) {
            counts.put(e.getKey(), e.getValue().commandsServed());
            reserved += e.getValue().memoryBytes();
        }
        Map<String, Double> rates = sampler.sample(now, counts);
        double total = rates.values().stream().mapToDouble(Double::doubleValue).sum();
        int cpu = host.cpuPermille();
        long capacity = Math.max(1, host.processMemoryBytes());
        Map<String, Double> loads = new LinkedHashMap<>();
        for (var e : processes.entrySet()) {
            String name = e.getKey();
            double rate = rates.getOrDefault(name, 0.0);
            loads.put(name, switch (settings.metric()) {
                case RATE -> rate / settings.rateCapacityPerSec();
                case MEMORY -> (double) e.getValue().memoryBytes() / capacity;
                case CPU -> cpu < 0 ? 0 : total > 0 ? cpu / 1000.0 * rate / total : cpu / 1000.0 / processes.size();
            });
        }
        processLoads = loads;
        measured = new LoadReport(host.nodeId(), host.schedulable(), settings.mode().label(), cpu,
                (int) Math.min(Integer.MAX_VALUE, reserved * 1000 / capacity),
                (int) Math.min(Integer.MAX_VALUE, Math.round(total * 1000 / settings.rateCapacityPerSec())),
                Math.round(total), processes.size(), inFlight != null, 0, 0);
    }

    /** Processes allowed to move now: hosted at the last sample, not in their cooldown, not moving. */
    private List<ProcessLoad> movable(long now) {
        List<ProcessLoad> out = new ArrayList<>();
        processLoads.forEach((name, load) -> {
            Long moved = movedAtMs.get(name);
            boolean cooling = moved != null && now - moved < settings.cooldownMs();
            boolean moving = inFlight != null && inFlight.move().process().equals(name);
            if (!cooling && !moving) {
                out.add(new ProcessLoad(name, load));
            }
        });
        return out;
    }

    /**
     * Probes distinct random peers one at a time until one is a {@code partner} or the probe limit is
     * reached; returns the answers (a partner, if found, last). Counts each probe, and each that found one.
     */
    private List<LoadReport> probe(Predicate<LoadReport> partner) {
        List<String> peers = new ArrayList<>(host.peers());
        List<LoadReport> out = new ArrayList<>();
        for (int i = 0; i < Math.min(peers.size(), settings.probes()); i++) {
            int j = i + random.nextInt(peers.size() - i);
            String node = peers.get(j);
            peers.set(j, peers.get(i));
            peers.set(i, node);
            probesSent.incrementAndGet();
            LoadReport r;
            try {
                r = host.probe(node);
            } catch (CaravanException e) {
                // A node that does not answer is no candidate (its probe still counts against the limit, and is wasted).
                continue;
            }
            out.add(r);
            if (partner.test(r)) {
                probesFound.incrementAndGet();
                break;
            }
        }
        return out;
    }

    private void refuse(String why) {
        if (!why.equals(lastRefusal)) {
            lastRefusal = why;
            events.refused(why);
        }
    }

    private LoadReport withMode(LoadReport r) {
        return new LoadReport(r.nodeId(), r.schedulable(), settings.mode().label(), r.cpuPermille(), r.memoryPermille(),
                r.ratePermille(), r.commandsPerSecond(), r.processCount(), r.migrating(), 0, 0);
    }
}
