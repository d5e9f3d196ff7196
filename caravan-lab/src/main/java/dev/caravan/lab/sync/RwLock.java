package dev.caravan.lab.sync;

/**
 * A readers-writers lock: many readers at once, or one writer alone. Implementations differ in
 * whom they prefer when both wait, and so in who may starve. Thread-safe; blocking.
 */
public interface RwLock {
    void readLock();

    void readUnlock();

    void writeLock();

    void writeUnlock();

    /** The name shown in tables. */
    String name();
}
