package dev.caravan.node.balance;

import dev.caravan.wire.ErrorCode;

import java.util.Locale;

/** Which balancing a node does: none, sender-initiated (push), receiver-initiated (pull), or both. */
public enum BalanceMode {
    /** No balancing: the node neither pushes nor pulls, and refuses pull requests. */
    OFF,
    /** Sender-initiated: above the high threshold, the node pushes a process to a probed idle node. */
    PUSH,
    /** Receiver-initiated: below the low threshold, the node asks a probed loaded node to push it a process. */
    PULL,
    /** Both. */
    BOTH;

    public boolean pushes() {
        return this == PUSH || this == BOTH;
    }

    public boolean pulls() {
        return this == PULL || this == BOTH;
    }

    /** The option value: lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The mode named {@code value} (off, push, pull, both; any case).
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for any other value
     */
    public static BalanceMode parse(String value) {
        for (BalanceMode m : values()) {
            if (m.label().equalsIgnoreCase(value.trim())) {
                return m;
            }
        }
        throw ErrorCode.INVALID_ARGUMENT.exception("--balance must be off, push, pull or both, got '" + value + "'");
    }
}
