package dev.caravan.dashboard;

import dev.caravan.observe.Event;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The migrations and clones the dashboard knows of, from two sources: those it started itself,
 * followed through the control API's progress stream and final report, and those any source node
 * reports on its admin port's event stream (see {@link #onEvent}). A restore from a checkpoint is
 * not a migration and is not listed. A process has at
 * most one running migration; node events about a migration the dashboard started and follows
 * itself are ignored, so that nothing is shown twice. Keeps the last {@value #KEEP}.
 *
 * <p>Thread-safe (one lock): progress arrives on reader threads, events on feed threads.
 */
public final class MigrationTracker {
    static final int KEEP = 20;
    /** A migration learnt of from events that has had no news for this long is shown as ended, outcome unknown. */
    static final long STALE_MS = 120_000;

    private final LongSupplier clockMs;
    private final Map<Long, MigrationView> all = new LinkedHashMap<>();
    private final Map<Long, Long> lastNewsMs = new LinkedHashMap<>();
    private long lastId;

    public MigrationTracker(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    /** Records a migration the dashboard starts now; returns its id. */
    public synchronized long begin(String process, String from, String to, String mode, boolean cloning) {
        return add(process, from, to, mode, cloning, "dashboard", clockMs.getAsLong());
    }

    private long add(String process, String from, String to, String mode, boolean cloning, String origin, long startMs) {
        long id = ++lastId;
        all.put(id, new MigrationView(id, process, from, to, mode, cloning, origin, MigrationPhase.BEGIN.label(), 0, 0, -1, -1,
                -1, startMs, -1, -1, -1, "", ""));
        lastNewsMs.put(id, clockMs.getAsLong());
        while (all.size() > KEEP) {
            Long oldest = all.keySet().iterator().next();
            all.remove(oldest);
            lastNewsMs.remove(oldest);
        }
        return id;
    }

    /** A progress report of a migration the dashboard started. */
    public synchronized void onProgress(long id, MigrationProgress p) {
        MigrationView m = all.get(id);
        if (m == null || !m.running()) {
            return;
        }
        long now = clockMs.getAsLong();
        boolean frozen = p.phase() == MigrationPhase.FREEZE || p.phase() == MigrationPhase.LAST_PAGES;
        put(new MigrationView(m.id(), m.process(), m.from(), m.to(), m.mode(), m.cloning(), m.origin(), p.phase().label(),
                p.round(), p.bytesSent(), p.remainingPages(), p.statePages(), p.bandwidthBytesPerSec(), m.startMs(),
                m.freezeMs() < 0 && frozen ? now : m.freezeMs(), m.downtimeMs(), -1, "", ""));
    }

    /** The final report of a migration the dashboard started. */
    public synchronized void onReport(long id, MigrationReport r) {
        MigrationView m = all.get(id);
        if (m == null) {
            return;
        }
        long freeze = r.freezeAtMs() >= 0 ? m.startMs() + r.freezeAtMs() : m.freezeMs();
        String outcome = r.outcome().succeeded() ? "committed" : "rolled-back";
        String detail = String.format(java.util.Locale.ROOT, "%s %s → %s: total %d ms, downtime %.1f ms, %d round(s), sent %d bytes%s",
                r.outcome(), r.fromNode(), r.toNode(), r.totalMs(), r.downtimeMicros() / 1000.0, r.rounds(), r.bytesSent(),
                r.detail().isEmpty() ? "" : "; " + r.detail());
        put(new MigrationView(m.id(), m.process(), r.fromNode(), r.toNode(), m.mode(), m.cloning(), m.origin(),
                r.endedIn().label(), r.rounds(), r.bytesSent(), 0, m.statePages(), m.bandwidthBytesPerSec(), m.startMs(), freeze,
                r.downtimeMicros() / 1000.0, clockMs.getAsLong(), outcome, detail));
    }

    /** A migration the dashboard started that failed before any report (the node refused it, the connection broke). */
    public synchronized void onFailed(long id, String why) {
        MigrationView m = all.get(id);
        if (m == null) {
            return;
        }
        put(new MigrationView(m.id(), m.process(), m.from(), m.to(), m.mode(), m.cloning(), m.origin(), "failed", m.round(),
                m.bytesSent(), m.remainingPages(), m.statePages(), m.bandwidthBytesPerSec(), m.startMs(), m.freezeMs(),
                m.downtimeMs(), clockMs.getAsLong(), "failed", why));
    }

    /**
     * An event from a node's /events stream (docs/operating.md, "Events"). Only the source's side
     * of a migration or clone is followed: its {@code migration-begun} ({@code role=source}) opens
     * it, its phases update it, and {@code migration-committed}, {@code process-cloned},
     * {@code migration-rolled-back} or {@code process-failed} (each {@code role=source}) end it. The
     * destination's events ({@code role=destination}: a copy arriving, a restore from
     * {@code from=checkpoint}, an arrival dropped) and {@code process-arrived} /
     * {@code process-restored} are not a migration of their own and are ignored. Other kinds are ignored.
     */
    public synchronized void onEvent(Event e) {
        Map<String, String> f = e.fields();
        if ("destination".equals(f.get("role"))) {
            return;
        }
        MigrationView m = runningFor(e.subject());
        switch (e.kind()) {
            case MIGRATION_BEGUN -> {
                if (m == null && !"checkpoint".equals(f.get("from"))) {
                    add(e.subject(), f.getOrDefault("from", e.source()), f.getOrDefault("to", "?"), f.getOrDefault("mode", "?"),
                            Boolean.parseBoolean(f.getOrDefault("clone", "false")), "events", e.timeMs());
                }
            }
            case MIGRATION_PHASE -> {
                if (m != null && m.origin().equals("events")) {
                    String phase = f.getOrDefault("phase", m.phase()).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
                    boolean frozen = phase.equals("freeze") || phase.equals("last-pages");
                    put(new MigrationView(m.id(), m.process(), m.from(), m.to(), m.mode(), m.cloning(), m.origin(), phase,
                            (int) number(f.get("round"), m.round()), number(f.get("bytes"), m.bytesSent()),
                            number(f.get("remainingPages"), m.remainingPages()), number(f.get("statePages"), m.statePages()),
                            number(f.get("bandwidthBytesPerSec"), m.bandwidthBytesPerSec()), m.startMs(),
                            m.freezeMs() < 0 && frozen ? e.timeMs() : m.freezeMs(), m.downtimeMs(), -1, "", ""));
                }
            }
            case MIGRATION_COMMITTED, PROCESS_CLONED -> end(m, e, "committed");
            case MIGRATION_ROLLED_BACK -> end(m, e, "rolled-back");
            case PROCESS_FAILED -> {
                if (f.containsKey("to")) { // a migration that ended in-doubt or failed, not a failed start
                    end(m, e, "failed");
                }
            }
            default -> {
                // Not about a migration's source side.
            }
        }
    }

    private void end(MigrationView m, Event e, String outcome) {
        if (m == null || !m.origin().equals("events")) {
            return;
        }
        Map<String, String> f = e.fields();
        double downtime = f.containsKey("downtimeMs") ? number(f.get("downtimeMs"), -1) : m.downtimeMs();
        if (f.containsKey("downtimeMicros")) {
            downtime = number(f.get("downtimeMicros"), -1) / 1000.0;
        }
        put(new MigrationView(m.id(), m.process(), m.from(), m.to(), m.mode(), m.cloning(), m.origin(),
                outcome.equals("committed") ? "done" : outcome, (int) number(f.get("rounds"), m.round()),
                number(f.get("bytes"), m.bytesSent()), 0, m.statePages(), m.bandwidthBytesPerSec(), m.startMs(),
                m.freezeMs(), downtime, e.timeMs(), outcome, e.message()));
    }

    private static long number(String s, long dflt) {
        if (s == null) {
            return dflt;
        }
        try {
            return Math.round(Double.parseDouble(s.trim()));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private MigrationView runningFor(String process) {
        for (MigrationView m : all.values()) {
            if (m.running() && m.process().equals(process)) {
                return m;
            }
        }
        return null;
    }

    private void put(MigrationView m) {
        all.put(m.id(), m);
        lastNewsMs.put(m.id(), clockMs.getAsLong());
    }

    /** Every migration kept, oldest first; one learnt of from events and silent for too long is shown ended. */
    public synchronized List<MigrationView> snapshot() {
        long now = clockMs.getAsLong();
        List<MigrationView> out = new ArrayList<>();
        for (MigrationView m : new ArrayList<>(all.values())) {
            if (m.running() && m.origin().equals("events") && now - lastNewsMs.get(m.id()) > STALE_MS) {
                m = new MigrationView(m.id(), m.process(), m.from(), m.to(), m.mode(), m.cloning(), m.origin(), m.phase(),
                        m.round(), m.bytesSent(), m.remainingPages(), m.statePages(), m.bandwidthBytesPerSec(), m.startMs(),
                        m.freezeMs(), m.downtimeMs(), now, "unknown", "no news from " + m.from() + " for "
                        + STALE_MS / 1000 + " s");
                put(m);
            }
            out.add(m);
        }
        return out;
    }
}
