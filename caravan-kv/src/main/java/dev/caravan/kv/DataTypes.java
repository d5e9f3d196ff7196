package dev.caravan.kv;

import dev.caravan.core.memory.PagedHeap;

import java.util.random.RandomGenerator;

/**
 * The layouts of the non-string types ({@link PagedDict} for hashes and sets, {@link PagedList},
 * {@link SortedSet}) over one heap, and the typed key lookups their commands share: a key of
 * another type is Redis's WRONGTYPE error, a missing one is created on write and a collection
 * left empty is deleted, as Redis never keeps an empty one. Process thread only.
 */
final class DataTypes {
    final PagedDict dicts;
    final PagedList lists;
    final SortedSet zsets;
    final RandomGenerator random;

    DataTypes(PagedHeap heap, RandomGenerator random) {
        this.dicts = new PagedDict(heap);
        this.lists = new PagedList(heap);
        this.zsets = new SortedSet(heap, dicts, random);
        this.random = random;
    }

    /**
     * Changes made inside collections so far (a hash field set, a list element popped, a set
     * member removed, a score moved): a write command that changed this count changed the
     * collections of its keys in place, which {@link KvStore}'s listener does not see (WATCH).
     */
    long mutations() {
        return dicts.mutations() + lists.mutations();
    }

    /** Frees a hash, list, set or sorted set header and everything it holds. */
    void free(int type, long object) {
        switch (type) {
            case KvStore.HASH, KvStore.SET -> dicts.free(object);
            case KvStore.LIST -> lists.free(object);
            case KvStore.ZSET -> zsets.free(object);
            default -> throw new IllegalStateException("no object behind type " + type);
        }
    }

    /** The object of {@code key} if it holds {@code type}; 0 if absent; WRONGTYPE otherwise. */
    static long find(KvStore store, byte[] key, int type, long nowMs) {
        long rec = store.lookup(key, nowMs);
        if (rec == 0) {
            return 0;
        }
        if (store.type(rec) != type) {
            throw KvError.WRONGTYPE;
        }
        return store.object(rec);
    }

    /** As {@link #find}, creating an empty object of {@code type} when the key is absent. */
    long findOrCreate(KvStore store, byte[] key, int type, long nowMs) {
        long o = find(store, key, type, nowMs);
        if (o == 0) {
            o = switch (type) {
                case KvStore.HASH, KvStore.SET -> dicts.create();
                case KvStore.LIST -> lists.create();
                case KvStore.ZSET -> zsets.create(true);
                default -> throw new IllegalArgumentException("type " + type);
            };
            store.putObject(key, type, o);
        }
        return o;
    }

    /** Adds {@code key}, which must be absent, holding a new empty sorted set ({@link SortedSet#isCompact compact} or not). */
    long createZset(KvStore store, byte[] key, boolean compact) {
        long z = zsets.create(compact);
        store.putObject(key, KvStore.ZSET, z);
        return z;
    }

    /** Deletes {@code key} when its collection {@code object} of {@code type} has become empty. */
    void deleteIfEmpty(KvStore store, byte[] key, int type, long object, long nowMs) {
        long n = switch (type) {
            case KvStore.HASH, KvStore.SET -> dicts.count(object);
            case KvStore.LIST -> lists.length(object);
            case KvStore.ZSET -> zsets.count(object);
            default -> 1;
        };
        if (n == 0) {
            store.delete(key, nowMs);
        }
    }

    /** TYPE's name for a record type. */
    static String name(int type) {
        return switch (type) {
            case KvStore.STRING -> "string";
            case KvStore.HASH -> "hash";
            case KvStore.LIST -> "list";
            case KvStore.SET -> "set";
            case KvStore.ZSET -> "zset";
            default -> "none";
        };
    }
}
