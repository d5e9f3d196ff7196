package dev.caravan.node.quota;

/**
 * A quota a process went over, as its node reports it: which quota and a one-line message naming
 * the limit and what was measured ("CPU quota 50% exceeded (83% over 1 s)").
 */
public record QuotaViolation(Kind kind, String message) {
    /** Which quota. */
    public enum Kind {
        /** One request ran in a handler longer than {@code quota.handler-ms} (the watchdog). */
        HANDLER("handler"),
        /** The thread's CPU share over the window passed {@code quota.cpu-percent}. */
        CPU("cpu"),
        /** A client connected beyond {@code quota.connections} (refused; the process keeps running). */
        CONNECTIONS("connections"),
        /** Commands came faster than {@code quota.requests-per-second}. */
        REQUEST_RATE("rps");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The short name used in metrics' {@code quota} tag and in events. */
        public String label() {
            return label;
        }
    }
}
