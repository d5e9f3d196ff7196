package dev.caravan.mobility.runtime;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.core.process.ProcessId;
import dev.caravan.core.time.ManualClock;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A process context driven by the test: its clock, node, freeze and the migrations and stops asked of it. */
final class FakeContext implements ProcessContext {
    record Asked(String target, String cloneName, CompletableFuture<Void> future) {
    }

    final ManualClock clock = new ManualClock(1_000_000);
    final List<Asked> asked = new ArrayList<>();
    /** The stops the process asked for ({@link #stopSelf}); null: refused as outside a node. */
    List<CompletableFuture<Void>> stops;
    final String name;
    String nodeId;
    boolean frozen;

    FakeContext(String name, String nodeId) {
        this.name = name;
        this.nodeId = nodeId;
    }

    @Override
    public ProcessId id() {
        return ProcessId.random();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long epoch() {
        return 1;
    }

    @Override
    public PagedMemory memory() {
        throw new UnsupportedOperationException("no memory in this test");
    }

    @Override
    public ManualClock clock() {
        return clock;
    }

    @Override
    public Map<String, String> config() {
        return Map.of();
    }

    @Override
    public String resource(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public InputStream openResource(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public System.Logger log() {
        return System.getLogger("test." + name);
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean frozen() {
        return frozen;
    }

    @Override
    public CompletableFuture<Void> requestMigration(String targetNode, String cloneName) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        asked.add(new Asked(targetNode, cloneName, f));
        return f;
    }

    @Override
    public CompletableFuture<Void> stopSelf(String reason) {
        if (stops == null) {
            return ProcessContext.super.stopSelf(reason);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        stops.add(f);
        return f;
    }
}
