package dev.caravan.kv;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.ManualClock;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;

/** A {@link KvProcess} on the test thread over its own memory and a manual clock. Close it. */
final class KvHarness implements AutoCloseable {
    final ManualClock clock = new ManualClock(1_700_000_000_000L);
    final PagedMemory memory;
    KvProcess kv;

    KvHarness() {
        memory = new PagedMemory(256L << 20, 4096);
        kv = new KvProcess();
        kv.onStart(new TestContext(memory, clock), false);
    }

    Reply run(String... args) {
        return kv.onCommand(Command.of(args));
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
        KvHarness copy = new KvHarness(memory.capacityBytes(), memory.pageSizeBytes());
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
        copy.kv.onStart(new TestContext(copy.memory, copy.clock), true);
        return copy;
    }

    private KvHarness(long capacity, int pageSize) {
        memory = new PagedMemory(capacity, pageSize);
    }

    @Override
    public void close() {
        memory.close();
    }
}
