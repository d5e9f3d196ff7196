package dev.caravan.switching.policy;

/**
 * A backend as a {@link Policy} sees it: its identity, the weight it should get now and its
 * load. Values may change between calls (read once per decision).
 */
public interface Candidate {
    /** Stable identity of the backend within its set (the process name). */
    String id();

    /** Relative share of new work, ≥ 1 for an eligible backend (already scaled down during slow start). */
    int weight();

    /** Connections (transport-level) or requests (content-aware) in flight to it now. */
    int active();
}
