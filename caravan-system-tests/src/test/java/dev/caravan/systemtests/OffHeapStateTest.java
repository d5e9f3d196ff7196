package dev.caravan.systemtests;

import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A process's data lives off-heap: a node with a 96 MiB heap holds 512 MiB of it. */
@Tag("slow")
class OffHeapStateTest {
    private static final int VALUE_BYTES = 256 * 1024;
    private static final int KEYS = 2048;

    @Test
    void shouldHoldFarMoreStateThanTheNodeHeap() throws Exception {
        try (CaravanCluster cluster = CaravanCluster.aCluster().withNodes(1)
                .withJvmOptions(List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")).start()) {
            NodeControl n1 = cluster.control("n1");
            ProcessInfo kv = n1.start(new ProcessSpec("big", "kv", "", "", 1L << 30, Map.of()));
            byte[] value = new byte[VALUE_BYTES];
            try (RespConnection c = new RespConnection(CaravanCluster.dataAddress(kv))) {
                List<Command> batch = new ArrayList<>();
                for (int i = 0; i < KEYS; i++) {
                    Arrays.fill(value, (byte) i);
                    batch.add(new Command(new byte[][] {"SET".getBytes(StandardCharsets.US_ASCII),
                            ("k" + i).getBytes(StandardCharsets.US_ASCII), value.clone()}));
                    if (batch.size() == 16) {
                        assertThat(c.pipeline(batch)).allMatch(r -> r.equals(Reply.OK));
                        batch.clear();
                    }
                }
                Reply last = c.call("GET", "k" + (KEYS - 1));
                Arrays.fill(value, (byte) (KEYS - 1));
                assertThat(((Reply.Bulk) last).value()).isEqualTo(value);
                assertThat(c.call("DBSIZE")).isEqualTo(Reply.integer(KEYS));
            }
            ProcessInfo after = n1.inspect("big");
            assertThat(after.memoryBytes()).isGreaterThanOrEqualTo((long) KEYS * VALUE_BYTES);
            assertThat(cluster.node("n1").isAlive()).isTrue();
        }
    }
}
