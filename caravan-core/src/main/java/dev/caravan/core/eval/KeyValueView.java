package dev.caravan.core.eval;

import java.util.Iterator;

/**
 * A process's keys and values as a {@link RemoteFunction} reads them: no method changes
 * anything (a read never even deletes an expired key, as a Redis read would). Keys whose
 * expiry has passed are skipped.
 *
 * <p>Threading: the process implements it knowing that it is called from the function's thread
 * while the process thread waits; the runtime wraps it so that each call checks the function's
 * budget and no call runs once the function has been stopped. Values are returned as copies.
 */
public interface KeyValueView {
    /** How many keys the process holds (keys that expired but were not yet removed included). */
    long size();

    /** Every live key, in no particular order; each {@code next()} returns a fresh copy. */
    Iterator<byte[]> keys();

    /** The type of {@code key} as Redis's {@code TYPE} names it ("string", "hash", ...), or "none". */
    String type(byte[] key);

    /** The length in bytes of string {@code key}'s value, or -1 when it is absent, expired or not a string. */
    long valueLength(byte[] key);

    /** The value of string {@code key}, or null when it is absent, expired or not a string. */
    byte[] get(byte[] key);
}
