package dev.caravan.cli.commands.lab;

import dev.caravan.cli.Console;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A tiny {@code caravan lab balance --quick} on real node JVMs: it balances, prints its table, writes JSON and a PNG. */
@Tag("slow")
class LabBalanceCommandTest {
    @Test
    void shouldPrintTheComparisonTableAndWriteJsonAndAPlot(@TempDir Path out) {
        Console.Result r = Console.run("lab", "balance", "--quick", "--modes", "push", "--loads", "low", "--out", out.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Sender- vs receiver-initiated balancing", "migrations", "ping-pong", "p99 after (ms)")
                .containsPattern("low +push +1\\.20 +[1-9]");
        assertThat(r.out()).contains("The classic comparison needs push and pull at both low and high load");
        assertThat(out.resolve("balance.json")).exists();
        assertThat(out.resolve("balance-low-push.png")).exists();
        assertThat(r.err()).contains("KV processes deployed on n1").doesNotContain("errors logged by the daemons");
    }

    @Test
    void shouldRefuseAnUnknownModeWithOneLine() {
        Console.Result r = Console.run("lab", "balance", "--modes", "sideways");

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.errLines()).anyMatch(l -> l.contains("--modes takes push, pull and/or both, got sideways"));
    }
}
