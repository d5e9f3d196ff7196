package dev.caravan.cli.commands.lab;

import dev.caravan.cli.Console;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tiny {@code caravan lab balance --quick} on real node JVMs, at high load with pull: two of three
 * nodes start loaded and one idle, the idle node pulls one process from each loaded one, and the
 * table shows the starting loads, the migrations and the probes counted by the balancers.
 */
@Tag("slow")
class LabBalanceCommandTest {
    @Test
    void shouldPrintTheComparisonTableWithProbesAndWriteJsonAndAPlot(@TempDir Path out) throws Exception {
        Console.Result r = Console.run("lab", "balance", "--quick", "--modes", "pull", "--loads", "high", "--out", out.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Sender- vs receiver-initiated balancing", "start loads (nodes)", "probes sent", "probes wasted",
                "probes/migration", "ping-pong", "p99 after (ms)");
        // Start: n1 and n2 about 0.90, n3 idle; n3 pulls once from each (2 migrations), with at least one probe each.
        assertThat(r.out()).containsPattern("high +pull +1 +0\\.(8|9)\\d/0\\.(8|9)\\d/0\\.00 +2 +([2-9]|\\d\\d) ");
        assertThat(r.out()).contains("The classic comparison needs push and pull at both low and high load");
        assertThat(r.err()).contains("starting loads (nodes, measured): n1 0.", "converged after").doesNotContain("errors logged by the daemons");
        assertThat(Files.readString(out.resolve("balance.json"))).contains("probes wasted");
        assertThat(out.resolve("balance-high-pull.png")).exists();
    }

    @Test
    void shouldRefuseAnUnknownModeWithOneLine() {
        Console.Result r = Console.run("lab", "balance", "--modes", "sideways");

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.errLines()).anyMatch(l -> l.contains("--modes takes push, pull and/or both, got sideways"));
    }
}
