package dev.caravan.kv;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.core.process.ProcessId;
import dev.caravan.core.time.Clock;

import java.util.Map;
import java.util.function.LongConsumer;

/**
 * A {@link ProcessContext} for driving a process directly on the test thread, with the given
 * deployment config; {@link #disconnectClient} goes to {@code disconnects}.
 */
record TestContext(PagedMemory memory, Clock clock, Map<String, String> config, LongConsumer disconnects) implements ProcessContext {
    TestContext(PagedMemory memory, Clock clock) {
        this(memory, clock, Map.of(), id -> { });
    }

    @Override
    public ProcessId id() {
        return new ProcessId(1);
    }

    @Override
    public String name() {
        return "kv-test";
    }

    @Override
    public long epoch() {
        return 1;
    }

    @Override
    public void disconnectClient(long sessionId) {
        disconnects.accept(sessionId);
    }

    @Override
    public String resource(String name) {
        throw dev.caravan.wire.ErrorCode.NOT_FOUND.exception("no resources in tests");
    }

    @Override
    public java.io.InputStream openResource(String name) {
        throw dev.caravan.wire.ErrorCode.NOT_FOUND.exception("no resources in tests");
    }

    @Override
    public System.Logger log() {
        return System.getLogger("kv-test");
    }
}
