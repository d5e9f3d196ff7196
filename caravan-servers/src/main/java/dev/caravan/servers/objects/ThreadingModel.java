package dev.caravan.servers.objects;

import dev.caravan.wire.ErrorCode;

/**
 * How an adapter runs invocations: on one thread (every servant of the adapter sees one call at a
 * time, so servants need no locking) or on a fixed pool (calls run concurrently).
 *
 * @param threads 1 for single-threaded, else the pool size
 */
public record ThreadingModel(int threads) {
    public ThreadingModel {
        if (threads < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("threads must be positive, got " + threads);
        }
    }

    public static ThreadingModel singleThreaded() {
        return new ThreadingModel(1);
    }

    public static ThreadingModel threadPool(int threads) {
        return new ThreadingModel(threads);
    }
}
