package dev.caravan.kv;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ClientRef;
import dev.caravan.core.time.ManualClock;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link KvProcess} on the test thread over its own memory and a manual clock, with the
 * deployment config given; the sessions it asked to disconnect are in {@link #disconnected}.
 * Close it.
 */
final class KvHarness implements AutoCloseable {
    final ManualClock clock = new ManualClock(1_700_000_000_000L);
    final PagedMemory memory;
    final Map<String, String> config;
    final List<Long> disconnected = new ArrayList<>();
    KvProcess kv;

    KvHarness() {
        this(Map.of());
    }

    KvHarness(Map<String, String> config) {
        memory = new PagedMemory(256L << 20, 4096);
        this.config = config;
        kv = new KvProcess();
        kv.onStart(new TestContext(memory, clock, config, disconnected::add), false);
    }

    Reply run(String... args) {
        return kv.onCommand(Command.of(args));
    }

    /** A command from {@code client}'s connection. */
    Reply run(ClientRef client, String... args) {
        return kv.onCommand(client, Command.of(args));
    }

    /** A bulk reply's text, or the reply's toString for other kinds. */
    String text(String... args) {
        Reply r = run(args);
        return r instanceof Reply.Bulk b ? b.text() : r.toString();
    }

    long integer(String... args) {
        Reply r = run(args);
        if (r instanceof Reply.Int i) {
            return i.value();
        }
        throw new AssertionError(String.join(" ", args) + " replied " + r);
    }

    /** An array reply's elements as text (bulk strings; nil as null). */
    List<String> list(String... args) {
        Reply r = run(args);
        if (!(r instanceof Reply.Array a)) {
            throw new AssertionError(String.join(" ", args) + " replied " + r);
        }
        List<String> out = new ArrayList<>();
        for (Reply item : a.items()) {
            out.add(item instanceof Reply.Bulk b ? b.text() : item instanceof Reply.Nil ? null : item.toString());
        }
        return out;
    }

    /** Copies every allocated page into a fresh memory, as a migration does, and starts a restored process there. */
    KvHarness migrate() {
        KvHarness copy = new KvHarness(memory.capacityBytes(), memory.pageSizeBytes(), config);
        byte[] page = new byte[memory.pageSizeBytes()];
        for (long p = 0; p < memory.pageCapacity(); p++) {
            if (memory.isAllocated(p)) {
                memory.readPage(p, page);
                copy.memory.installPage(p, page);
            }
        }
        dev.caravan.wire.BodyWriter state = new dev.caravan.wire.BodyWriter();
        kv.writeState(state);
        copy.kv = new KvProcess();
        copy.kv.readState(kv.stateVersion(), new dev.caravan.wire.BodyReader(state.toBytes()));
        copy.clock.advanceMs(clock.nowMs() - copy.clock.nowMs());
        copy.kv.onArrive(new TestContext(copy.memory, copy.clock, config, copy.disconnected::add));
        return copy;
    }

    private KvHarness(long capacity, int pageSize, Map<String, String> config) {
        memory = new PagedMemory(capacity, pageSize);
        this.config = config;
    }

    @Override
    public void close() {
        memory.close();
    }
}
