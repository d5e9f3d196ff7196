package dev.caravan.systemtests.faults;

import dev.caravan.client.CaravanClient;
import dev.caravan.client.Location;
import dev.caravan.client.NodeControl;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.node.ProcessInfo;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Who answers for a process, asked everywhere at once: naming's entry, every node's own list
 * (state and epoch of its copy), and the data endpoint of every copy (plus any older address
 * the test knows, such as the source's) asked directly with {@code GET}. {@link #problems} says
 * what breaks "exactly one owner": naming names one node at epoch E, that node runs the process
 * at E and answers, and every other endpoint refuses or redirects (an error such as
 * {@code MOVED}/{@code TRYAGAIN}, or no connection) and holds no higher epoch.
 */
final class OwnershipProbe {
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);

    /** One node's copy of the process as the node reports it ({@code state} "absent" if it has none). */
    record Copy(String node, String state, long epoch, InetSocketAddress data) {
    }

    /** What was seen at one moment. */
    record Snapshot(Optional<Location> naming, List<Copy> copies, Map<InetSocketAddress, String> answers, String probeKey) {
        /** The owner naming names, if any. */
        Optional<String> owner() {
            return naming.map(Location::node);
        }

        /** What breaks "exactly one owner, with the highest epoch, answering; all others refuse" ("" if nothing). */
        String problems() {
            List<String> p = new ArrayList<>();
            if (naming.isEmpty()) {
                return "naming names no owner";
            }
            Location l = naming.get();
            long maxEpoch = copies.stream().mapToLong(Copy::epoch).max().orElse(-1);
            if (maxEpoch > l.epoch()) {
                p.add("a copy holds epoch " + maxEpoch + " above naming's " + l.epoch());
            }
            Optional<Copy> at = copies.stream().filter(c -> c.node().equals(l.node())).findFirst();
            if (at.isEmpty() || !at.get().state().equals("RUNNING") || at.get().epoch() != l.epoch()) {
                p.add("naming's owner " + l.node() + " does not run it at epoch " + l.epoch());
            }
            for (Map.Entry<InetSocketAddress, String> e : answers.entrySet()) {
                boolean ownerEndpoint = e.getKey().equals(l.data());
                boolean served = e.getValue().startsWith("Bulk[") || e.getValue().startsWith("Null");
                if (ownerEndpoint && !served) {
                    p.add("the owner's endpoint " + e.getKey() + " does not answer: " + e.getValue());
                } else if (!ownerEndpoint && served) {
                    p.add("a second endpoint " + e.getKey() + " answers: " + e.getValue());
                }
            }
            return String.join("; ", p);
        }

        @Override
        public String toString() {
            return "naming " + naming.map(l -> l.node() + "@" + l.epoch() + " " + l.data()).orElse("(none)") + ", copies "
                    + copies + ", GET " + probeKey + " answers " + answers;
        }
    }

    private final CaravanClient client;
    private final Map<String, InetSocketAddress> controls;
    private final String name;
    private final Set<InetSocketAddress> knownEndpoints = new LinkedHashSet<>();

    /**
     * @param controls every node's control address, by node id
     * @param known    data endpoints the process had before (asked too: they must not answer)
     */
    OwnershipProbe(CaravanClient client, Map<String, InetSocketAddress> controls, String name, List<InetSocketAddress> known) {
        this.client = client;
        this.controls = Map.copyOf(controls);
        this.name = name;
        this.knownEndpoints.addAll(known);
    }

    Snapshot take(String probeKey) {
        Optional<Location> naming;
        try {
            naming = client.resolve(name);
        } catch (CaravanException e) {
            naming = Optional.empty();
        }
        List<Copy> copies = new ArrayList<>();
        Set<InetSocketAddress> endpoints = new LinkedHashSet<>(knownEndpoints);
        naming.ifPresent(l -> endpoints.add(l.data()));
        for (Map.Entry<String, InetSocketAddress> n : new java.util.TreeMap<>(controls).entrySet()) {
            try (NodeControl nc = NodeControl.connect(n.getValue(), "fault-probe", "", ASK_TIMEOUT, ASK_TIMEOUT)) {
                Optional<ProcessInfo> p = nc.list(ASK_TIMEOUT).stream().filter(i -> i.name().equals(name)).findFirst();
                if (p.isPresent()) {
                    InetSocketAddress data = new InetSocketAddress(p.get().dataHost(), p.get().dataPort());
                    copies.add(new Copy(n.getKey(), p.get().state(), p.get().epoch(), data));
                    endpoints.add(data);
                } else {
                    copies.add(new Copy(n.getKey(), "absent", -1, null));
                }
            } catch (CaravanException e) {
                copies.add(new Copy(n.getKey(), "unreachable: " + e.getMessage(), -1, null));
            }
        }
        Map<InetSocketAddress, String> answers = new LinkedHashMap<>();
        for (InetSocketAddress e : endpoints) {
            answers.put(e, TimedResp.answer(e, ASK_TIMEOUT, "GET", probeKey));
        }
        return new Snapshot(naming, copies, answers, probeKey);
    }

    /**
     * Waits until exactly one owner answers (bounded), then returns that snapshot; fails with the
     * last snapshot and its problems otherwise.
     */
    Snapshot awaitExactlyOneOwner(String probeKey, Duration within) {
        Snapshot[] last = new Snapshot[1];
        try {
            await().atMost(within.toMillis(), TimeUnit.MILLISECONDS).pollInterval(Duration.ofMillis(200)).until(() -> {
                last[0] = take(probeKey);
                return last[0].problems().isEmpty();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not exactly one owner of " + name + " within " + within + ": "
                    + (last[0] == null ? "nothing seen" : last[0].problems() + " — seen " + last[0]), e);
        }
        return last[0];
    }
}
