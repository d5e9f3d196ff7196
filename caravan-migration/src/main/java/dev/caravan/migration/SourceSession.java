package dev.caravan.migration;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.node.MigrationMessages;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.PreCopyStop;
import dev.caravan.wire.node.ProcessSpec;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The source side of one migration or clone, as a state machine over {@link MigrationPhase}
 * (the protocol is drawn in {@link dev.caravan.wire.node.MigrationProtocol}):
 *
 * <pre>
 *  BEGIN ─▶ ROUNDS ─▶ FREEZE ─▶ LAST_PAGES ─▶ SWITCH_OVER ─▶ COMMITTED ─▶ PUSHING ─▶ DONE
 *    │      (pre-copy,          (stop-and-copy,                (post-copy,
 *    │       hybrid)             pre-copy)                      hybrid)
 *    └──────── any failure or cancel before COMMITTED ─▶ ROLLED_BACK (the source resumes)
 *              a commit whose fate cannot be learned  ─▶ FAILED (frozen here, never twice)
 * </pre>
 *
 * One method per state; {@link #transition} is the one place the state changes. The mode is a
 * {@link CopyStrategy} over this same machine. Every wait has a deadline from
 * {@link MigrationSettings}; {@link #cancel} before the commit rolls back.
 *
 * <p>Threading: {@link #run} runs on the thread of the control request that asked for the
 * migration; {@link #cancel} may come from any thread. Process state is reached only through
 * {@link ProcessRunner#onProcessThread}; pages are read concurrently with the process (the dirty
 * bits catch what changes).
 */
final class SourceSession {
    private static final System.Logger LOG = System.getLogger(SourceSession.class.getName());

    private final MigrationHost host;
    private final MigrationEngine engine;
    private final MovableProcess process;
    private final MigrationRequest request;
    private final MigrationSettings settings;
    private final CopyStrategy strategy;
    private final Faults faults;
    private final Clock clock;
    private final Consumer<MigrationProgress> progress;
    private final long startNs;
    private final long oldEpoch;
    private final long newEpoch;
    private final String targetName;
    private volatile MigrationPhase state = MigrationPhase.BEGIN;
    private volatile boolean cancelled;
    private boolean commitGoingOut;
    private FrameClient link;
    private PageStreamSender pages;
    private PreCopyRounds rounds;
    private SwitchOver switchOver;
    private MigrationMessages.BeginReply begun;
    private InetSocketAddress destControl;
    private long[] unsentDirty = new long[0];
    private long statePages;
    private long freezeNs = -1;
    private long firstPageNs = -1;
    private long resumedNs = -1;
    private MigrationOutcome outcome;
    private String detail = "";
    private HandOff.Result handOff = HandOff.Result.NONE;
    private PostCopyPusher pusher;
    private MigrationReport.FaultStats faultStats = MigrationReport.FaultStats.NONE;
    private CaravanException codeRefused;

    SourceSession(MigrationEngine engine, MovableProcess process, MigrationRequest request, Consumer<MigrationProgress> progress) {
        this.engine = engine;
        this.host = engine.host();
        this.settings = engine.settings();
        this.process = process;
        this.request = request;
        this.strategy = CopyStrategy.of(request);
        this.faults = Faults.parse(request.fault(), settings.faultPauseMs());
        this.clock = host.clock();
        this.progress = progress;
        this.startNs = clock.nanoTime();
        this.oldEpoch = process.runner().epoch();
        this.newEpoch = request.cloning() ? 1 : oldEpoch + 1;
        this.targetName = request.cloning() ? request.newName() : process.name();
    }

    /** Runs the migration to its end; the report says whether it committed or the source kept the process. */
    MigrationReport run(InetSocketAddress destination) throws InterruptedException {
        this.destControl = destination;
        statePages = process.memory().allocatedPages();
        while (true) {
            try {
                switch (state) {
                    case BEGIN -> onBegin();
                    case ROUNDS -> onRounds();
                    case FREEZE -> onFreeze();
                    case LAST_PAGES -> onLastPages();
                    case SWITCH_OVER -> onSwitchOver();
                    case COMMITTED -> onCommitted();
                    case PUSHING -> onPushing();
                    case DONE, ROLLED_BACK, FAILED -> {
                        return report();
                    }
                    default -> throw new IllegalStateException("a source session is never in " + state);
                }
            } catch (RuntimeException | java.io.IOException e) {
                // Any failure, expected (CaravanException) or a bug, ends in a decided state: never a frozen process.
                if (!(e instanceof CaravanException)) {
                    LOG.log(System.Logger.Level.ERROR, "migration of " + process.name() + " failed unexpectedly in " + state, e);
                }
                if (state == MigrationPhase.BEGIN && e instanceof CaravanException ce && refusesCode(ce.code())) {
                    codeRefused = ce;
                }
                if (state.compareTo(MigrationPhase.COMMITTED) >= 0) {
                    // After commit the destination owns the process; what failed was the push or the hand-off.
                    detail = "after commit: " + message(e);
                    transition(MigrationPhase.DONE);
                } else {
                    rollBack(e);
                }
            }
        }
    }

    /**
     * Asks the session to stop before its commit; once MIG_COMMIT has gone out it is too late
     * (BUSY). Exclusive with {@link #commitGoingOut}, so a cancel that is accepted always wins.
     */
    void cancel() {
        synchronized (this) {
            if (commitGoingOut || state.compareTo(MigrationPhase.COMMITTED) >= 0) {
                throw ErrorCode.BUSY.exception("the migration of " + process.name() + " is committing or has committed;"
                        + " it can no longer be cancelled");
            }
            cancelled = true;
        }
        PageStreamSender p = pages;
        if (p != null) {
            p.close();
        }
    }

    MigrationPhase state() {
        return state;
    }

    /**
     * The destination's refusal of the code at MIG_BEGIN — a state version it cannot read, a bundle
     * whose bytes do not match its hash, a class it cannot load, a slice quota the process would
     * exceed there — or null. Nothing had moved and the
     * source kept the process; the caller reports the refusal itself rather than a rolled-back move.
     */
    CaravanException codeRefused() {
        return codeRefused;
    }

    private static boolean refusesCode(ErrorCode code) {
        return code == ErrorCode.UNSUPPORTED_VERSION || code == ErrorCode.BUNDLE_HASH_MISMATCH
                || code == ErrorCode.CLASS_LOAD_FAILED || code == ErrorCode.QUOTA_EXCEEDED;
    }

    /**
     * Whether this is a move whose MIG_COMMIT has gone out (or is going): the process is frozen
     * here and only this session can tell — from the destination's answer, or from naming — whether
     * the destination owns it now. Any thread.
     */
    boolean commitOut() {
        synchronized (this) {
            return commitGoingOut && !request.cloning();
        }
    }

    // ---- states ------------------------------------------------------------------------------

    private void onBegin() throws java.io.IOException, InterruptedException {
        ProcessSpec s = process.spec();
        // The destination runs exactly the bundle named here: the process's own, or the one it is upgraded to.
        String bundle = request.upgradeTo().isEmpty() ? s.bundleHash() : request.upgradeTo();
        ProcessSpec spec = new ProcessSpec(targetName, s.sample(), bundle, s.className(), s.memoryBytes(), s.config());
        String id = request.cloning() ? dev.caravan.core.process.ProcessId.random().toString() : process.runner().id().toString();
        long[] chunks = onProcess(process.memory()::allocatedChunkBitmap);
        int stateVersion = onProcess(() -> process.runner().process().stateVersion());
        link = host.connect(destControl, Duration.ofMillis(settings.connectTimeoutMs()));
        begun = MigrationMessages.BeginReply.decode(link.call(Op.MIG_BEGIN, new MigrationMessages.Begin(spec, id, newEpoch,
                request.cloning() ? "" : process.front(), host.nodeId(), faults.destinationPart(), strategy.allocation(), chunks,
                java.util.OptionalInt.of(stateVersion)).encode(), Duration.ofMillis(settings.beginTimeoutMs())).expectOk());
        pages = new PageStreamSender(new InetSocketAddress(destControl.getHostString(), begun.streamPort()), begun.nonce(),
                process.memory(), clock, settings.pageStreamStallMs(), host.transportSecurity());
        faultPoint(MigrationPhase.BEGIN);
        transition(strategy.iterates() ? MigrationPhase.ROUNDS : MigrationPhase.FREEZE);
    }

    private void onRounds() throws InterruptedException {
        firstPageGoes();
        rounds = new PreCopyRounds(this, strategy, request.maxDowntimeMs(), clock);
        unsentDirty = rounds.run(pages, process.runner(), process.memory());
        transition(MigrationPhase.FREEZE);
    }

    private void onFreeze() throws InterruptedException {
        switchOver = new SwitchOver(this, process, clock);
        freezeNs = clock.nanoTime();
        switchOver.freeze();
        faultPoint(MigrationPhase.FREEZE);
        statePages = process.memory().allocatedPages();
        long[] rest = onProcess(() -> strategy.iterates() ? process.memory().takeDirtyPages()
                : process.memory().allocatedPageBitmap());
        PageBits.orInto(rest, unsentDirty);
        switchOver.pagesLeft(rest);
        transition(strategy.pushesAfterCommit() ? MigrationPhase.SWITCH_OVER : MigrationPhase.LAST_PAGES);
    }

    private void onLastPages() {
        firstPageGoes();
        switchOver.sendLastPages(pages);
        faultPoint(MigrationPhase.LAST_PAGES);
        transition(MigrationPhase.SWITCH_OVER);
    }

    private void onSwitchOver() throws InterruptedException {
        if (strategy.pushesAfterCommit()) {
            // From here the destination may fault pages in (it can run as soon as the commit is out).
            firstPageGoes();
            pusher = new PostCopyPusher(host, link, targetName, process.memory(), faults, switchOver.missing(),
                    settings.pushAckTimeoutMs());
            engine.servePageFaults(targetName, pusher);
        }
        try {
            switchOver.commit(link, targetName, strategy.pushesAfterCommit(), () -> faultPoint(MigrationPhase.SWITCH_OVER));
        } catch (RuntimeException | InterruptedException e) {
            if (!switchOver.commitSent()) {
                engine.stopServingPageFaults(targetName);
            }
            // Else the destination may own the process and fault on pages only here: serve them until naming says.
            throw e;
        }
        transition(MigrationPhase.COMMITTED);
    }

    private void onCommitted() throws InterruptedException {
        resumedNs = clock.nanoTime();
        // After the commit a cut changes nothing (the destination owns the process); halt and pause still fire.
        faults.hit(Faults.Role.SOURCE, MigrationPhase.COMMITTED, host);
        pages.close();
        switchOver.finishResourcesAtSource();
        if (request.cloning()) {
            process.runner().resume();
            resumedNs = clock.nanoTime();
            outcome = MigrationOutcome.CLONED;
            detail = "clone " + targetName + " runs on " + request.toNode();
            link.close();
            transition(MigrationPhase.DONE);
            return;
        }
        handOff = new HandOff(host, settings.commitTimeoutMs()).afterCommit(process, request.toNode(), destControl.getHostString(), begun.dataPort(),
                begun.tlsPort(), newEpoch);
        outcome = MigrationOutcome.COMMITTED;
        if (pusher == null) {
            link.close();
            process.memory().close();
        }
        transition(pusher != null ? MigrationPhase.PUSHING : MigrationPhase.DONE);
    }

    private void onPushing() {
        try {
            faultStats = pusher.pushAll(n -> progress(n));
            if (pusher.failure() != null) {
                detail = "background push failed: " + pusher.failure();
            }
        } finally {
            engine.stopServingPageFaults(targetName);
        }
        link.close();
        process.memory().close();
        transition(MigrationPhase.DONE);
    }

    // ---- transitions and failure ---------------------------------------------------------------

    private void transition(MigrationPhase next) {
        if (cancelled && next.compareTo(MigrationPhase.COMMITTED) < 0) {
            throw ErrorCode.UNAVAILABLE.exception("cancelled by the operator");
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "migration of " + process.name() + ": " + state + " -> " + next);
        state = next;
        if (next == MigrationPhase.DONE && outcome == null) {
            outcome = MigrationOutcome.COMMITTED;
        }
        progress(0);
    }

    /** Before commit: tell the destination to discard, close what is open, resume, and decide who owns the process. */
    private void rollBack(Exception cause) throws InterruptedException {
        LOG.log(System.Logger.Level.WARNING, "migration of " + process.name() + " failed in " + state + ": " + message(cause));
        if (link != null) {
            try {
                // Only an arrival we began is ours to abort: a refused MIG_BEGIN may mean another source's arrival of this name.
                if (begun != null) {
                    link.callAsync(Op.MIG_ABORT, MigrationMessages.nameOnly(targetName));
                }
            } catch (RuntimeException ignored) {
                // The destination may be gone; it discards an unfinished process on its own.
            }
            link.close();
        }
        if (pages != null) {
            pages.close();
        }
        process.runner().throttlePercent(0);
        boolean frozen = freezeNs >= 0;
        MigrationOutcome decided = frozen && !request.cloning() && switchOver != null && switchOver.commitSent()
                ? new OwnershipResolver(host, settings).afterFailedCommit(process, oldEpoch)
                : MigrationOutcome.RESUMED_AT_SOURCE;
        if (decided != MigrationOutcome.COMMITTED) {
            engine.stopServingPageFaults(targetName);
        }
        if (decided == MigrationOutcome.RESUMED_AT_SOURCE) {
            if (switchOver != null) {
                switchOver.abandonResources();
            }
            process.runner().resume();
            resumedNs = clock.nanoTime();
            outcome = cancelled ? MigrationOutcome.CANCELLED : MigrationOutcome.RESUMED_AT_SOURCE;
            detail = (cancelled ? "cancelled by the operator in " : "failed in ") + state + ": " + message(cause);
            state = MigrationPhase.ROLLED_BACK;
        } else if (decided == MigrationOutcome.COMMITTED) {
            int dataPort = host.ownerOf(process.name()).map(MigrationHost.Owner::port).orElse(begun.dataPort());
            // The TLS port named at MIG_BEGIN belongs to that data endpoint only.
            handOff = new HandOff(host, settings.commitTimeoutMs()).afterCommit(process, request.toNode(), destControl.getHostString(),
                    dataPort, dataPort == begun.dataPort() ? begun.tlsPort() : 0, newEpoch);
            resumedNs = clock.nanoTime();
            outcome = MigrationOutcome.COMMITTED;
            detail = "committed although the answer was lost: " + message(cause);
            if (pusher != null && relinkForPush()) {
                state = MigrationPhase.PUSHING;
            } else {
                engine.stopServingPageFaults(targetName);
                process.memory().close();
                state = MigrationPhase.DONE;
            }
        } else {
            outcome = MigrationOutcome.IN_DOUBT;
            detail = "naming could not say who owns " + process.name() + "; it stays frozen here: " + message(cause);
            state = MigrationPhase.FAILED;
        }
    }

    /**
     * A post-copy whose commit answer was lost but which naming says committed: the destination
     * runs while its missing pages are only here. Its faults were served all along; push the rest
     * on a new link. False if the destination cannot be reached (its faults then fail, and it
     * marks the process failed, as when the source dies).
     */
    private boolean relinkForPush() {
        try {
            link = host.connect(destControl, Duration.ofMillis(settings.connectTimeoutMs()));
            pusher.relink(link);
            return true;
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.WARNING, "post-copy of " + process.name() + " committed, but the destination cannot be"
                    + " reached to push its last pages: " + message(e));
            return false;
        }
    }

    private void faultPoint(MigrationPhase phase) {
        if (faults.hit(Faults.Role.SOURCE, phase, host)) {
            link.close();
            if (pages != null) {
                pages.close();
            }
            throw ErrorCode.UNAVAILABLE.exception("migration link cut in " + phase + " (fault injection)");
        }
    }

    // ---- helpers used by the phases' classes ----------------------------------------------------

    /** Called right before MIG_COMMIT is sent: refuses if cancelled, and from now on refuses cancels. */
    void commitGoingOut() {
        synchronized (this) {
            if (cancelled) {
                throw ErrorCode.UNAVAILABLE.exception("cancelled by the operator");
            }
            commitGoingOut = true;
        }
    }

    /** Runs one step on the process thread within the step deadline. */
    <T> T onProcess(Supplier<T> step) throws InterruptedException {
        try {
            return process.runner().onProcessThread(step).get(settings.processStepTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw ErrorCode.PROCESS_FAILED.exception("process " + process.name() + " failed a migration step: " + e.getCause());
        } catch (TimeoutException e) {
            throw ErrorCode.TIMEOUT.exception("process " + process.name() + " did not answer a migration step within "
                    + settings.processStepTimeoutMs() + " ms (is a handler stuck?)");
        }
    }

    <T> T await(java.util.concurrent.Future<T> f, long timeoutMs, String what) throws InterruptedException {
        try {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof CaravanException ce ? ce : ErrorCode.UNAVAILABLE.exception(what + " failed: " + c);
        } catch (TimeoutException e) {
            throw ErrorCode.TIMEOUT.exception(what + " got no answer within " + timeoutMs + " ms");
        }
    }

    MigrationSettings settings() {
        return settings;
    }

    MigrationHost host() {
        return host;
    }

    MigrationEngine engine() {
        return engine;
    }

    boolean cloning() {
        return request.cloning();
    }

    void afterRound(int round) {
        if (round == 1) {
            faultPoint(MigrationPhase.ROUNDS);
        }
    }

    void statePagesNow(long pagesNow) {
        statePages = pagesNow;
    }

    /**
     * Reports progress; {@code pagesThisStep} is how many pages of the current send (a round,
     * the last pages) have gone so far.
     */
    void progress(long pagesThisStep) {
        long bytes = bytesSent();
        long pushed = pusher == null ? 0 : pusher.pushed();
        long fetched = pusher == null ? 0 : pusher.fetched();
        long sent = (pages == null ? 0 : pages.pagesSent()) + pushed + fetched;
        long now = clock.nanoTime();
        long bandwidth = firstPageNs < 0 || bytes == 0 ? 0
                : (long) Math.max(1, bytes * 1e9 / Math.max(TimeUnit.MILLISECONDS.toNanos(1), now - firstPageNs));
        long lastDirty = rounds == null ? 0 : rounds.lastDirty();
        progress.accept(new MigrationProgress(state, rounds == null ? 0 : rounds.rounds(), sent, statePages, bytes, lastDirty,
                rounds == null ? 0 : (long) rounds.dirtyPagesPerSec(), bandwidth, remainingPages(pagesThisStep),
                TimeUnit.NANOSECONDS.toMillis(now - startNs), process.runner().throttlePercent(), pushed, fetched,
                pusher == null ? 0 : pusher.faultsServed()));
    }

    /** Pages known to be still missing at the destination, in the current state. */
    private long remainingPages(long pagesThisStep) {
        return switch (state) {
            case BEGIN -> statePages;
            case ROUNDS -> Math.max(0, rounds == null ? statePages : rounds.roundPages() - pagesThisStep);
            // Entering the freeze: what the last round left (plus what the freeze will find dirty).
            case FREEZE -> strategy.iterates() ? PageBits.count(unsentDirty) : statePages;
            case LAST_PAGES -> Math.max(0, PageBits.count(switchOver.missing()) - pagesThisStep);
            // Post-copy's missing pages go after the commit; the others went in LAST_PAGES.
            case SWITCH_OVER -> strategy.pushesAfterCommit() ? PageBits.count(switchOver.missing()) : 0;
            // After the commit only post-copy has pages to send; a failed push leaves some unsent.
            case COMMITTED, PUSHING, DONE -> pusher == null ? 0 : pusher.remaining();
            default -> 0;
        };
    }

    /** The bandwidth's clock starts when the first page may go: round 0, the stop-and-copy, or post-copy's commit. */
    private void firstPageGoes() {
        if (firstPageNs < 0) {
            firstPageNs = clock.nanoTime();
        }
    }

    /** Bytes that left this node for the destination: the page stream, push frames and fault answers. */
    private long bytesSent() {
        return (pages == null ? 0 : pages.bytesSent()) + (pusher == null ? 0 : pusher.bytesAfterResume());
    }

    private MigrationReport report() {
        PagedMemory memory = process.memory();
        long downtimeMicros = freezeNs < 0 ? 0
                : TimeUnit.NANOSECONDS.toMicros((resumedNs < 0 ? clock.nanoTime() : resumedNs) - freezeNs);
        long bytes = bytesSent();
        String stopNote = rounds != null && rounds.stop() != PreCopyStop.NONE ? "pre-copy stopped: " + rounds.stop().reason() : "";
        String full = String.join("; ", java.util.stream.Stream.of(detail, stopNote,
                switchOver == null ? "" : switchOver.times().toString()).filter(x -> !x.isEmpty()).toList());
        return new MigrationReport(targetName, host.nodeId(), request.toNode(), request.mode(),
                outcome == null ? MigrationOutcome.RESUMED_AT_SOURCE : outcome, state,
                outcome == MigrationOutcome.COMMITTED || outcome == MigrationOutcome.CLONED ? newEpoch : oldEpoch,
                TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - startNs), downtimeMicros,
                statePages * memory.pageSizeBytes(), bytes, rounds == null ? 0 : rounds.rounds(),
                rounds == null ? PreCopyStop.NONE : rounds.stop(),
                strategy.stopsWithinBudget() ? request.maxDowntimeMs() : 0,
                rounds == null ? 0 : rounds.maxThrottlePercent(),
                freezeNs < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(freezeNs - startNs),
                pusher == null ? 0 : pusher.fetched(), pusher == null ? 0 : pusher.pushed(), handOff.forwarded(),
                faultStats, switchOver == null ? MigrationReport.SwitchOverTimes.NONE : switchOver.times(),
                switchOver == null ? MigrationReport.DestinationCosts.NONE : switchOver.destinationCosts(), full);
    }

    static String message(Throwable e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
