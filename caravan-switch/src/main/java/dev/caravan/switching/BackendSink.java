package dev.caravan.switching;

import java.util.List;

/**
 * Receives a route's backend set as naming shows it now (the switch's naming watch calls it on
 * every change). Backends that stay keep their state (counters, health); one whose address
 * changed — the process moved — keeps its identity.
 *
 * <p>Threading: thread-safe; calls do not overlap for one sink.
 */
public interface BackendSink {
    void update(List<Backend> current);
}
