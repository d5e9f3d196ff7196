package dev.caravan.switching.resp;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.NamingService;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.SwitchContext;
import dev.caravan.wire.ErrorCode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A switch context over an in-memory naming whose dispatchers never find an eligible backend (the
 * front end must not need them to place a key); counts dispatches.
 */
record ShardContext(NamingService naming, AtomicInteger dispatches) implements SwitchContext {
    ShardContext(NamingService naming) {
        this(naming, new AtomicInteger());
    }

    @Override
    public Dispatcher dispatcher(FrontendSpec frontend, Route route) {
        return key -> {
            dispatches.incrementAndGet();
            return CompletableFuture.failedFuture(ErrorCode.UNAVAILABLE.exception("no eligible backend in the set"));
        };
    }

    @Override
    public Clock clock() {
        return Clock.system();
    }

    @Override
    public String linkToken() {
        return "";
    }

    @Override
    public String switchId() {
        return "s-test";
    }
}
