package dev.caravan.wire;

/**
 * Closes a component's parts in order and keeps going when one fails: every step runs, the
 * first failure is kept and later ones are added to it as suppressed (as Agrona's
 * {@code CloseHelper.closeAll} and Helidon's {@code LifecycleFailures} do). An interrupt during
 * a step is recorded and the thread's interrupt flag is set again, so that the remaining steps
 * still run and the caller still sees the interrupt.
 *
 * <pre>
 * CloseAll all = new CloseAll();
 * all.run(endpoint::close);
 * all.run(runner::stop);
 * all.throwIfFailed();
 * </pre>
 *
 * <p>Not thread-safe: one closing thread owns an instance.
 */
public final class CloseAll {
    /** One closing step. */
    @FunctionalInterface
    public interface Step {
        void close() throws Exception;
    }

    private Throwable failure;

    /** Runs {@code step}, recording its failure instead of throwing it. */
    public CloseAll run(Step step) {
        try {
            step.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            record(e);
        } catch (Exception | Error e) {
            record(e);
        }
        return this;
    }

    /** Closes {@code c} if it is not null. */
    public CloseAll close(AutoCloseable c) {
        return c == null ? this : run(c::close);
    }

    /** Adds a failure found some other way. */
    public void record(Throwable t) {
        if (failure == null) {
            failure = t;
        } else if (failure != t) {
            failure.addSuppressed(t);
        }
    }

    /** The first failure (with the later ones suppressed in it), or null. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Throws the first failure, if any: an unchecked one as it is, a checked one wrapped in a
     * {@link CaravanException} with {@link ErrorCode#INTERNAL}.
     */
    public void throwIfFailed(String what) {
        switch (failure) {
            case null -> {
            }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new CaravanException(ErrorCode.INTERNAL, what + ": " + failure, failure);
        }
    }

    /** Closes every non-null argument in order and throws the first failure, others suppressed. */
    public static void closeAll(String what, AutoCloseable... closeables) {
        CloseAll all = new CloseAll();
        for (AutoCloseable c : closeables) {
            all.close(c);
        }
        all.throwIfFailed(what);
    }
}
