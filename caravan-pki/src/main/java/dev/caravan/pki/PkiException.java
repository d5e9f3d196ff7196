package dev.caravan.pki;

import java.io.Serial;

/**
 * A certificate operation that cannot be done; the message is one line that says what to do
 * (it is shown to users as is).
 */
public final class PkiException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
