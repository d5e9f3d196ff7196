package dev.caravan.wire;

/**
 * A frame refused by its header alone (its body over what its receiver takes for its type), whose
 * body was skipped unread: the stream is still in step, and the refusal can answer the request by
 * its id ({@link #requestId()}) on a connection that stays open.
 */
public final class FrameRefusedException extends CaravanException {
    private static final long serialVersionUID = 1L;

    private final long requestId;

    public FrameRefusedException(long requestId, ErrorCode code, String message) {
        super(code, message);
        this.requestId = requestId;
    }

    /** The refused request's id, to answer it with. */
    public long requestId() {
        return requestId;
    }
}
