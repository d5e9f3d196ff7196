package dev.caravan.kv;

import dev.caravan.core.eval.KeyValueView;
import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.ManualClock;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The KV process's read view for shipped functions: every live key, values of strings, and no write, not even expiry. */
class KvEvalViewTest {
    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private PagedMemory memory;
    private KvProcess kv;

    @BeforeEach
    void start() {
        memory = new PagedMemory(64L << 20, 4096);
        kv = new KvProcess();
        kv.onStart(new TestContext(memory, clock), false);
    }

    @AfterEach
    void close() {
        memory.close();
    }

    private Reply run(String... args) {
        return kv.onCommand(Command.of(args));
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void shouldListLiveKeysAndReadStringsWithoutChangingAnything() {
        for (int i = 0; i < 100; i++) {
            run("SET", "k" + i, "v" + i);
        }
        run("RPUSH", "list", "a");
        run("SET", "short-lived", "x", "PX", "10");
        clock.advanceMs(20);
        long dirtyBefore = memory.pagesDirtiedTotal();

        KeyValueView view = kv.evalView();
        List<String> keys = new ArrayList<>();
        for (Iterator<byte[]> it = view.keys(); it.hasNext(); ) {
            keys.add(text(it.next()));
        }

        assertThat(keys).hasSize(101).contains("k0", "k99", "list").doesNotContain("short-lived");
        assertThat(text(view.get("k42".getBytes(StandardCharsets.UTF_8)))).isEqualTo("v42");
        assertThat(view.valueLength("k42".getBytes(StandardCharsets.UTF_8))).isEqualTo(3);
        assertThat(view.get("list".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(view.valueLength("list".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(view.type("list".getBytes(StandardCharsets.UTF_8))).isEqualTo("list");
        assertThat(view.type("short-lived".getBytes(StandardCharsets.UTF_8))).isEqualTo("none");
        assertThat(view.get("short-lived".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(view.size()).as("the expired key is still there: a read expires nothing").isEqualTo(102);
        assertThat(memory.pagesDirtiedTotal()).as("reading wrote no page").isEqualTo(dirtyBefore);
    }
}
