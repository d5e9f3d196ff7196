package dev.caravan.launch;

import dev.caravan.switching.BackendStatus;
import dev.caravan.switching.Frontend;
import dev.caravan.switching.admin.SwitchAdmin;
import dev.caravan.observe.EventKind;
import dev.caravan.observe.EventLog;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A switch's events (see docs/operating.md, "Events"): front ends added and removed, backends
 * added, removed, moved (a new address: its process migrated), up, down, drained, enabled or
 * disabled, weights changed, and modes changed (a handoff front end splicing a backend's clients, for
 * example because its node is on another host: published when first seen, too). It reads what the
 * admin API reads ({@link SwitchAdmin#frontends()}, {@link SwitchAdmin#backends}) every
 * {@value #PERIOD_MS} ms and publishes what changed since the last look, so a state that lasts
 * less than that (a backend down and up again in 200 ms) may go unseen; nothing on the data path
 * is touched. Front ends running at the first look are published as added. Threading:
 * {@link #poll} runs on one scheduler thread (or the test's).
 */
final class SwitchEvents implements AutoCloseable {
    static final long PERIOD_MS = 500;

    private final SwitchAdmin sw;
    private final EventLog events;
    private final Map<String, Frontend> frontends = new HashMap<>();
    /** frontend/route/backend id → its last status. */
    private final Map<String, BackendStatus> backends = new HashMap<>();
    /** frontend/route/backend id → its last mode ({@link SwitchAdmin.RouteBackend#mode()}). */
    private final Map<String, String> modes = new HashMap<>();
    private ScheduledExecutorService scheduler;

    SwitchEvents(SwitchAdmin sw, EventLog events) {
        this.sw = sw;
        this.events = events;
    }

    /** Polls every {@value #PERIOD_MS} ms on a daemon thread until closed. */
    SwitchEvents start() {
        poll();
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("switch-events").factory());
        scheduler.scheduleWithFixedDelay(this::pollQuietly, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            // A front end closed while it was read: the next look sees the switch as it is then.
        }
    }

    /** Publishes what changed since the last call. */
    void poll() {
        Map<String, Frontend> nowFrontends = new LinkedHashMap<>();
        Map<String, BackendStatus> nowBackends = new LinkedHashMap<>();
        Map<String, String> nowModes = new HashMap<>();
        Map<String, String> frontendOf = new HashMap<>();
        for (Frontend f : sw.frontends()) {
            nowFrontends.put(f.spec().name(), f);
            for (SwitchAdmin.RouteBackend b : sw.backends(f.spec().name())) {
                String key = b.frontend() + "/" + b.route() + "/" + b.status().id();
                nowBackends.put(key, b.status());
                nowModes.put(key, b.mode());
                frontendOf.put(key, b.frontend());
            }
        }
        nowFrontends.forEach((name, f) -> {
            if (!frontends.containsKey(name)) {
                events.publish(EventKind.FRONTEND_ADDED, name, "front end " + name + " (" + lower(f.spec().protocol()) + ", "
                        + lower(f.spec().mode()) + ") listening on " + hostPort(f), Map.of("address", hostPort(f),
                        "protocol", lower(f.spec().protocol()), "mode", lower(f.spec().mode())));
            }
        });
        backends.forEach((key, was) -> {
            if (!nowBackends.containsKey(key)) {
                String fe = key.substring(0, key.indexOf('/'));
                events.publish(EventKind.BACKEND_REMOVED, was.id(), "backend " + was.id() + " left front end " + fe,
                        fields(fe, was));
            }
        });
        frontends.keySet().stream().filter(n -> !nowFrontends.containsKey(n)).sorted().forEach(name ->
                events.publish(EventKind.FRONTEND_REMOVED, name, "front end " + name + " closed"));
        nowBackends.forEach((key, now) -> {
            changed(frontendOf.get(key), backends.get(key), now);
            modeChanged(frontendOf.get(key), now, modes.get(key), nowModes.get(key));
        });
        frontends.clear();
        frontends.putAll(nowFrontends);
        backends.clear();
        backends.putAll(nowBackends);
        modes.clear();
        modes.putAll(nowModes);
    }

    /**
     * A mode that changed; a new backend's only when it is a splice (a handoff front end not handing off: worth
     * an operator's notice), not when it is the front end's ordinary mode.
     */
    private void modeChanged(String fe, BackendStatus now, String was, String mode) {
        if (mode == null || mode.isEmpty() || mode.equals(was) || (was == null && !mode.startsWith("splice ("))) {
            return;
        }
        Map<String, String> m = new LinkedHashMap<>(fields(fe, now));
        m.put("mode", mode);
        m.put("previous", was == null ? "" : was);
        String node = now.node() == null || now.node().isEmpty() ? "" : " on " + now.node();
        events.publish(EventKind.BACKEND_MODE_CHANGED, now.id(), "backend " + now.id() + node + " of " + fe + ": clients "
                + (mode.startsWith("splice (") ? "are spliced by the switch, not handed off: " + mode : "are served by " + mode)
                + (was == null || was.isEmpty() ? "" : " (was " + was + ")"), m);
    }

    private void changed(String fe, BackendStatus was, BackendStatus now) {
        String id = now.id();
        Map<String, String> f = fields(fe, now);
        if (was == null) {
            events.publish(EventKind.BACKEND_ADDED, id, "backend " + id + " (" + now.address() + ") joined front end " + fe
                    + (now.healthy() ? "" : ", failing its health checks"), f);
            return;
        }
        // A process front end's backend has no address while naming has no entry for it (mid-move): not a move yet.
        if (!was.address().equals(now.address()) && !now.address().isEmpty()) {
            Map<String, String> m = new LinkedHashMap<>(f);
            m.put("previous", was.address());
            m.put("previousNode", was.node() == null ? "" : was.node());
            String node = now.node() == null || now.node().isEmpty() ? "" : " on " + now.node();
            String from = was.address().isEmpty() ? "(no address)" : was.address();
            events.publish(EventKind.BACKEND_MOVED, id, "backend " + id + " of " + fe + " moved: " + from + " → " + now.address() + node,
                    m);
        }
        if (was.healthy() != now.healthy()) {
            events.publish(now.healthy() ? EventKind.BACKEND_UP : EventKind.BACKEND_DOWN, id, "backend " + id + " of " + fe
                    + (now.healthy() ? " is up again" : " is down: its health checks fail, it gets no traffic"), f);
        }
        if (was.admin() != now.admin()) {
            String admin = lower(now.admin());
            events.publish(admin.equals("drain") ? EventKind.BACKEND_DRAINED : EventKind.BACKEND_ADMIN_CHANGED, id,
                    "backend " + id + " of " + fe + (admin.equals("drain") ? " drains: no new clients, connected ones stay"
                            : " is " + admin + " (was " + lower(was.admin()) + ")"), f);
        }
        if (was.weight() != now.weight()) {
            Map<String, String> w = new LinkedHashMap<>(f);
            w.put("previous", String.valueOf(was.weight()));
            events.publish(EventKind.BACKEND_WEIGHT_CHANGED, id, "backend " + id + " of " + fe + ": weight " + was.weight()
                    + " → " + now.weight(), w);
        }
    }

    private static Map<String, String> fields(String fe, BackendStatus s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("frontend", fe);
        m.put("address", s.address());
        m.put("node", s.node() == null ? "" : s.node());
        m.put("admin", lower(s.admin()));
        m.put("healthy", String.valueOf(s.healthy()));
        m.put("weight", String.valueOf(s.weight()));
        return m;
    }

    private static String hostPort(Frontend f) {
        return f.address().getHostString() + ":" + f.address().getPort();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
