package dev.caravan.launch;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.Watch;
import dev.caravan.observe.EventKind;
import dev.caravan.observe.EventLog;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Naming's view of the cluster's nodes as events: a {@code node/<id>} entry put for the first
 * time is {@link EventKind#NODE_JOINED}, its removal (the node closed its lease, or the lease
 * expired because the node went silent) is {@link EventKind#NODE_LOST}. A re-registration of a
 * known node (its attributes changed, e.g. cordoned) is not a join. Called on naming's watch
 * thread. The naming daemon publishes them; on ZooKeeper, which has no naming daemon, the switch
 * does ({@link #follow}).
 */
final class NodeMembershipEvents implements Consumer<NamingEvent> {
    private final EventLog events;
    private final java.util.Set<String> known = java.util.concurrent.ConcurrentHashMap.newKeySet();

    NodeMembershipEvents(EventLog events) {
        this.events = events;
    }

    /**
     * Publishes to {@code events} the membership changes {@code naming} shows from now on: nodes
     * registered now are known (no join event for them); returns the watch to close.
     */
    static Watch follow(NamingService naming, EventLog events) {
        NodeMembershipEvents m = new NodeMembershipEvents(events);
        Watch w = naming.watch("node/", m);
        // After the watch opened: a node that joins in between is seen twice, which is idempotent.
        for (NamingEntry e : naming.list("node/")) {
            m.known.add(e.node());
        }
        return w;
    }

    @Override
    public void accept(NamingEvent e) {
        String node = e.entry().node();
        String control = e.entry().host() + ":" + e.entry().port();
        if (e.kind() == NamingEvent.Kind.PUT) {
            if (known.add(node)) {
                events.publish(EventKind.NODE_JOINED, node, "node " + node + " joined (control " + control + ")",
                        Map.of("control", control));
            }
        } else if (known.remove(node)) {
            events.publish(EventKind.NODE_LOST, node, "node " + node + " left: its lease was closed or expired",
                    Map.of("control", control));
        }
    }
}
