package dev.caravan.servers.objects;

import dev.caravan.wire.ErrorCode;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An example servant whose state shows its activation policy: {@code incr} counts calls to this
 * servant, so PER_REQUEST always answers 1, PER_SESSION counts per client, PERSISTENT across
 * clients. Thread-safe.
 */
public final class CounterServant implements Servant {
    private final AtomicLong count = new AtomicLong();

    @Override
    public String invoke(String operation, String argument) {
        return switch (operation) {
            case "incr" -> Long.toString(count.incrementAndGet());
            case "get" -> Long.toString(count.get());
            default -> throw ErrorCode.UNKNOWN_OPERATION.exception("counter has incr and get, not '" + operation + "'");
        };
    }
}
