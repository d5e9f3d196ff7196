package dev.caravan.wire;

/**
 * Every error that crosses a Caravan wire, as a stable numeric code.
 *
 * <p>The numbers are part of the wire format (see {@link Frame}): never renumber, only add.
 * Each code maps to one {@link CaravanException}; a peer that receives a code it does not
 * know reports it as {@link #INTERNAL}.
 */
public enum ErrorCode {
    /** The frame or message body could not be parsed: truncated, bad length, bad field. */
    MALFORMED(1),
    /** A frame or argument larger than the receiver accepts; refused before allocating. */
    TOO_LARGE(2),
    /** The peer speaks a wire version this side does not. */
    UNSUPPORTED_VERSION(3),
    /** The operation code is not one this endpoint serves. */
    UNKNOWN_OPERATION(4),
    /** The named entry, process or bundle does not exist. */
    NOT_FOUND(5),
    /** A create for something that exists already. */
    ALREADY_EXISTS(6),
    /** A write carried an ownership epoch older than the one in force. */
    STALE_EPOCH(7),
    /** This node does not (or no longer) host the process: re-resolve its location. */
    NOT_HERE(8),
    /** The lease named in the request has expired or never existed. */
    LEASE_EXPIRED(9),
    /** The peer did not present the cluster's credentials. */
    UNAUTHENTICATED(10),
    /** A code bundle's bytes do not hash to the name it was offered under. */
    BUNDLE_HASH_MISMATCH(11),
    /** A bundle's class could not be loaded or instantiated. */
    CLASS_LOAD_FAILED(12),
    /** The process failed while handling the request or is in the FAILED state. */
    PROCESS_FAILED(13),
    /** The receiver is at a configured limit (connections, queue depth); try later. */
    OVERLOADED(14),
    /** A deadline passed before an answer. */
    TIMEOUT(15),
    /** The operation exists in the protocol but this build does not implement it. */
    NOT_SUPPORTED(16),
    /** A well-formed request whose arguments are not acceptable. */
    INVALID_ARGUMENT(17),
    /** The service cannot be reached or is shutting down. */
    UNAVAILABLE(18),
    /**
     * The target is busy with something that excludes this request (for example it is being
     * moved to another node); the request was not carried out and may be retried later.
     */
    BUSY(19),
    /**
     * The node is cordoned (unschedulable: being drained or under maintenance) and takes no new
     * process, by deploy or by migration; choose another node or {@code caravan uncordon} it.
     */
    UNSCHEDULABLE(20),
    /**
     * Code that Caravan will not run as asked, found when the bundle is loaded, before anything
     * runs: a strong-mobility loop whose execution state could not be captured (a lambda on a
     * suspending path, a value without a codec live at a suspension point, suspension inside
     * {@code synchronized}); the message names the class, method and line.
     */
    CODE_REFUSED(21),
    /** Shipped code (remote evaluation, an agent) used more time or memory than its budget allowed and was stopped. */
    BUDGET_EXCEEDED(22),
    /**
     * The caller is authenticated but its role or slice does not allow this request (a viewer
     * asking to migrate, a tenant touching another slice's process, cancelling another caller's
     * request). Refusals are also recorded as events.
     */
    FORBIDDEN(23),
    /**
     * Code refused because its signature does not hold: unsigned, signed by a key the cluster does
     * not trust or has revoked, or signed for another hash (tampered); the message names the bundle
     * and the reason.
     */
    UNTRUSTED_CODE(24),
    /**
     * A process or a slice is at one of its quotas (memory, CPU time, connections, request rate,
     * bundle size, processes): the request is refused, or the process was stopped, as its policy says.
     */
    QUOTA_EXCEEDED(25),
    /** A bug or an unexpected failure on the remote side. */
    INTERNAL(99);

    private static final ErrorCode[] BY_VALUE = new ErrorCode[100];

    static {
        for (ErrorCode c : values()) {
            BY_VALUE[c.value] = c;
        }
    }

    private final int value;

    ErrorCode(int value) {
        this.value = value;
    }

    /** The code as it travels on the wire. */
    public int value() {
        return value;
    }

    /** The code for a wire value; unknown values map to {@link #INTERNAL}. */
    public static ErrorCode of(int value) {
        ErrorCode c = value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
        return c == null ? INTERNAL : c;
    }

    /** A typed exception carrying this code. */
    public CaravanException exception(String message) {
        return new CaravanException(this, message);
    }
}
