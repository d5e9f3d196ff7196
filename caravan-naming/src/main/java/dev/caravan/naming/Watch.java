package dev.caravan.naming;

/**
 * A subscription returned by {@link NamingService#watch}. Closing it is idempotent and never
 * throws; after {@code close} returns no new listener call begins (one already running may
 * finish).
 */
public interface Watch extends AutoCloseable {
    /** The name prefix this watch follows. */
    String prefix();

    @Override
    void close();
}
