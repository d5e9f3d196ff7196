package dev.caravan.switching.pool;

import dev.caravan.switching.Backend;
import dev.caravan.switching.Dispatcher;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A slot on one backend of a {@link BackendPool}, held from dispatch until {@link #close()}.
 * Outcomes feed the pool's passive health checks. Reports after close are ignored.
 *
 * <p>Threading: one owner, but close may race with itself (idempotent).
 */
final class PoolTicket implements Dispatcher.Ticket {
    private final BackendPool pool;
    private final BackendState state;
    private final Backend backend;
    private final AtomicBoolean closed = new AtomicBoolean();

    PoolTicket(BackendPool pool, BackendState state, Backend backend) {
        this.pool = pool;
        this.state = state;
        this.backend = backend;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public void onSuccess(long latencyNs) {
        if (!closed.get()) {
            pool.onSuccess(state, latencyNs);
        }
    }

    @Override
    public void onFailure(String why) {
        if (!closed.get()) {
            pool.onFailure(state, why);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pool.onTicketClosed(state);
        }
    }
}
