package dev.caravan.mobility.runtime;

import java.io.Serial;

/**
 * Thrown out of a {@link LoopProcessHost} hook when its loop threw: the loop cannot go on, so the
 * process must fail. An {@code Error} because that is how a hook fails its process in
 * {@code ProcessRunner} (a {@code RuntimeException} from {@code onCommand} only fails the command);
 * the process FAILS with this message as its reason.
 */
public final class LoopFailedError extends Error {
    @Serial
    private static final long serialVersionUID = 1L;

    LoopFailedError(String message, Throwable cause) {
        super(message, cause);
    }
}
