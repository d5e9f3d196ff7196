package dev.caravan.node;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.migration.MovableProcess;
import dev.caravan.migration.RecentReplies;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.process.ProcessStats;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process as its node holds it: the spec it was started from, its runner (thread, mailbox,
 * memory), its data endpoint and its recent replies. Immutable references; the mutable parts
 * are owned by the runner.
 */
final class HostedProcess implements MovableProcess {
    private final ProcessSpec spec;
    private final ProcessRunner runner;
    private final PagedMemory memory;
    private final DataEndpoint endpoint;
    private final String dataHost;
    private final String front;
    private final RecentReplies recentReplies = new RecentReplies(RecentReplies.DEFAULT_CAPACITY);

    /** @param front the process's stable endpoint (host:port), "" if it has none */
    HostedProcess(ProcessSpec spec, ProcessRunner runner, PagedMemory memory, DataEndpoint endpoint, String dataHost,
                  String front) {
        this.spec = spec;
        this.runner = runner;
        this.memory = memory;
        this.endpoint = endpoint;
        this.dataHost = dataHost;
        this.front = front;
    }

    @Override
    public String front() {
        return front;
    }

    @Override
    public ProcessSpec spec() {
        return spec;
    }

    @Override
    public ProcessRunner runner() {
        return runner;
    }

    @Override
    public PagedMemory memory() {
        return memory;
    }

    DataEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public int dataPort() {
        return endpoint.port();
    }

    @Override
    public String dataHost() {
        return dataHost;
    }

    @Override
    public RecentReplies recentReplies() {
        return recentReplies;
    }

    /** A report for ps and inspect; waits briefly for the process thread's counters. */
    ProcessInfo info(String nodeId) throws InterruptedException {
        ProcessStats s;
        try {
            s = runner.stats().get(2, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            s = new ProcessStats(runner.state(), memory.allocatedPages(), -1, memory.allocatedBytes(),
                    runner.commandsServed(), runner.commandsFailed(), runner.queuedCommands());
        }
        String bundle = spec.sample().isEmpty() ? spec.bundleHash() : "sample:" + spec.sample();
        String cls = runner.process().getClass().getName();
        return new ProcessInfo(runner.id().toString(), spec.name(), nodeId, s.state().name(), runner.epoch(), dataHost,
                endpoint.port(), front, bundle, cls, s.allocatedPages(), s.dirtyPages(), s.memoryBytes(), s.commandsServed(),
                s.queuedCommands());
    }

    /** Stops the process, closes its endpoint and frees its memory. */
    void close() throws InterruptedException {
        endpoint.close();
        runner.stop();
        memory.close();
    }
}
