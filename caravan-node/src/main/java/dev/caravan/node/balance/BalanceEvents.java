package dev.caravan.node.balance;

/**
 * Where a {@link Balancer} reports its decisions ({@code balance-push}, {@code balance-pull},
 * {@code balance-refused} events on the node). Implementations are thread-safe.
 */
public interface BalanceEvents {
    /** This node started pushing {@code process} to {@code toNode}; {@code pulled}: at that node's request. */
    void pushed(BalancePolicy.Move move, boolean pulled);

    /** This node asked {@code fromNode} for a process and it started pushing {@code process}. */
    void pulled(String fromNode, String process);

    /** A balancing decision came to nothing, or a balancing migration failed; {@code why} is one line. */
    void refused(String why);

    /** A balancing migration ended; {@code committed} false when it rolled back. */
    void moved(String process, String toNode, boolean committed, String detail);

    /** Reports nothing. */
    BalanceEvents NONE = new BalanceEvents() {
        @Override
        public void pushed(BalancePolicy.Move move, boolean pulled) {
        }

        @Override
        public void pulled(String fromNode, String process) {
        }

        @Override
        public void refused(String why) {
        }

        @Override
        public void moved(String process, String toNode, boolean committed, String detail) {
        }
    };
}
