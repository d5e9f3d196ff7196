package dev.caravan.servers.hooks;

/**
 * The phases of a request, in order, each with Apache's semantics:
 *
 * <pre>
 *  TRANSLATE_NAME (run-first) ─► CHECK_ACCESS (run-all) ─► HANDLER (run-first) ─► LOG (run-all, always)
 *   URI → resource name           any hook may refuse        one hook answers        every hook sees the result
 * </pre>
 */
public enum Phase {
    TRANSLATE_NAME(true),
    CHECK_ACCESS(false),
    HANDLER(true),
    LOG(false);

    private final boolean runFirst;

    Phase(boolean runFirst) {
        this.runFirst = runFirst;
    }

    /**
     * Run-first: hooks run in order until one returns anything but DECLINED (it handled the phase,
     * or failed). Run-all: every hook runs while they return OK or DECLINED; the first error stops.
     */
    public boolean runFirst() {
        return runFirst;
    }
}
