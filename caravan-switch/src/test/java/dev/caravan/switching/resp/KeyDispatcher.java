package dev.caravan.switching.resp;

import dev.caravan.switching.Backend;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.policy.DispatchKey;
import dev.caravan.wire.ErrorCode;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test dispatcher: a key goes to the backend named by its first character's digit ("0x" → backend 0,
 * "1y" → backend 1; otherwise the key's hash); no key → round robin. Counts open tickets.
 */
final class KeyDispatcher implements Dispatcher {
    final List<Backend> backends;
    final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger next = new AtomicInteger();

    KeyDispatcher(List<Backend> backends) {
        this.backends = backends;
    }

    static int backendIndex(String key, int n) {
        char c = key.isEmpty() ? 'x' : key.charAt(0);
        return c >= '0' && c <= '9' ? (c - '0') % n : Math.floorMod(key.hashCode(), n);
    }

    @Override
    public CompletableFuture<Ticket> dispatch(DispatchKey key) {
        if (backends.isEmpty()) {
            return CompletableFuture.failedFuture(ErrorCode.UNAVAILABLE.exception("no eligible backend in the set"));
        }
        Backend b = key.hashKey() != null ? backends.get(backendIndex(key.hashKey(), backends.size()))
                : backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
        open.incrementAndGet();
        return CompletableFuture.completedFuture(new Ticket() {
            private boolean closed;

            @Override
            public Backend backend() {
                return b;
            }

            @Override
            public void onSuccess(long latencyNs) {
            }

            @Override
            public void onFailure(String why) {
            }

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    open.decrementAndGet();
                }
            }
        });
    }
}
