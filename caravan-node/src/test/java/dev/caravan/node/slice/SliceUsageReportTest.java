package dev.caravan.node.slice;

import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.node.SecuritySettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code caravan slice ls} shows: each slice's processes and memory per node and cluster-wide, from naming entries. */
class SliceUsageReportTest {
    private static NamingEntry entry(String name, String node, String slice, String memory) {
        return new NamingEntry(name, node, "127.0.0.1", 7000, 1, slice == null ? Map.of("memoryBytes", memory)
                : Map.of(SecuritySettings.SLICE, slice, "memoryBytes", memory));
    }

    @Test
    void shouldSumEachSlicesProcessesAndMemoryPerNodeAndClusterWide() {
        SliceUsageReport r = SliceUsageReport.from(List.of(
                entry("process/a1", "n1", "alpha", "100"), entry("process/a2", "n1", "alpha", "50"),
                entry("process/a3", "n2", "alpha", "7"), entry("process/b1", "n2", "beta", "oops"),
                entry("process/x1", "n1", null, "1000"), entry("node/n1", "n1", "alpha", "999")));

        assertThat(r.bySlice().keySet()).containsExactly("alpha", "beta");
        SliceUsageReport.Use alpha = r.of("alpha");
        assertThat(alpha.processes()).isEqualTo(3);
        assertThat(alpha.memoryBytes()).isEqualTo(157);
        assertThat(alpha.byNode().get("n1")).isEqualTo(new SliceUsageReport.Use(2, 150, Map.of()));
        assertThat(alpha.byNode().get("n2")).isEqualTo(new SliceUsageReport.Use(1, 7, Map.of()));
        assertThat(r.of("beta").processes()).isEqualTo(1);
        assertThat(r.of("beta").memoryBytes()).isZero();
        assertThat(r.of("gamma").processes()).isZero();
    }
}
