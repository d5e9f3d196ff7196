package dev.caravan.core.process;

/**
 * Told how long each command took: the hook through which a node measures command latency
 * without the process model depending on a metrics library.
 *
 * <p>Threading: called on the process thread, once per command, right after
 * {@link CaravanProcess#onCommand} returned or threw (a blocking command that parks counts as done
 * when it parks). Implementations must be cheap, must not block and must not throw: they run on
 * the command path.
 */
@FunctionalInterface
public interface CommandTimer {
    /** Measures nothing. */
    CommandTimer NONE = serviceNs -> { };

    /**
     * @param serviceNs nanoseconds the process thread spent on the command (from the end of the
     *                  previous command of the same batch, or the batch's start), per the runner's clock
     */
    void onCommandDone(long serviceNs);
}
