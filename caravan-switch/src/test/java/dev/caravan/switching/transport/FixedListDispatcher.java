package dev.caravan.switching.transport;

import dev.caravan.switching.Backend;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.policy.DispatchKey;
import dev.caravan.wire.ErrorCode;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double of the dispatcher (sw-pool's BackendPool arrives later): round robin over a fixed
 * list, every ticket recorded so tests can check outcomes and that each was closed exactly once.
 */
public final class FixedListDispatcher implements Dispatcher {
    private final List<Backend> backends;
    private final AtomicInteger next = new AtomicInteger();
    public final Queue<RecordingTicket> tickets = new ConcurrentLinkedQueue<>();
    public final Queue<DispatchKey> keys = new ConcurrentLinkedQueue<>();

    public FixedListDispatcher(List<Backend> backends) {
        this.backends = List.copyOf(backends);
    }

    public static FixedListDispatcher of(InetSocketAddress... addresses) {
        Backend[] list = new Backend[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            list[i] = new Backend("b" + i, addresses[i], "n1", null);
        }
        return new FixedListDispatcher(List.of(list));
    }

    @Override
    public CompletableFuture<Ticket> dispatch(DispatchKey key) {
        keys.add(key);
        if (backends.isEmpty()) {
            return CompletableFuture.failedFuture(ErrorCode.UNAVAILABLE.exception("no eligible backend"));
        }
        RecordingTicket t = new RecordingTicket(backends.get(Math.floorMod(next.getAndIncrement(), backends.size())));
        tickets.add(t);
        return CompletableFuture.completedFuture(t);
    }

    public long failures() {
        return tickets.stream().filter(t -> t.failures.get() > 0).count();
    }

    public boolean allClosedOnce() {
        return tickets.stream().allMatch(t -> t.closes.get() == 1);
    }

    public static final class RecordingTicket implements Ticket {
        private final Backend backend;
        public final AtomicInteger successes = new AtomicInteger();
        public final AtomicInteger failures = new AtomicInteger();
        public final AtomicInteger closes = new AtomicInteger();

        RecordingTicket(Backend backend) {
            this.backend = backend;
        }

        @Override
        public Backend backend() {
            return backend;
        }

        @Override
        public void onSuccess(long latencyNs) {
            successes.incrementAndGet();
        }

        @Override
        public void onFailure(String why) {
            failures.incrementAndGet();
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
