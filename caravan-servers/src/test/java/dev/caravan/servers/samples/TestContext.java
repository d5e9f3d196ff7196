package dev.caravan.servers.samples;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.core.process.ProcessId;
import dev.caravan.core.time.Clock;
import dev.caravan.core.time.ManualClock;

import java.util.Map;

/** A {@link ProcessContext} for driving a sample on the test thread. */
record TestContext(String name, PagedMemory memory, Map<String, String> config) implements ProcessContext {
    @Override
    public ProcessId id() {
        return new ProcessId(1);
    }

    @Override
    public long epoch() {
        return 1;
    }

    @Override
    public Clock clock() {
        return new ManualClock(0);
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
        return System.getLogger("http-sample-test");
    }
}
