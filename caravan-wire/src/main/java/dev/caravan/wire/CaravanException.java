package dev.caravan.wire;

/**
 * The one unchecked exception type for Caravan failures that a caller may act on; its
 * {@link #code()} says what happened and travels unchanged across the wire.
 */
public class CaravanException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public CaravanException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public CaravanException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** What went wrong, as a wire code. */
    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return code + ": " + getMessage();
    }
}
