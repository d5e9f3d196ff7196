package dev.caravan.naming;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A watch listener that records what it hears, for assertions under Awaitility (shared with caravan-naming-zk's tests). */
public final class EventRecorder implements Consumer<NamingEvent> {
    public final List<NamingEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void accept(NamingEvent e) {
        events.add(e);
    }

    /** Each event as {@code KIND name@epoch}, in arrival order. */
    public List<String> summary() {
        return events.stream().map(e -> e.kind() + " " + e.entry().name() + "@" + e.entry().epoch()).toList();
    }
}
