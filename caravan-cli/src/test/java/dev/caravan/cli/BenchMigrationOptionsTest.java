package dev.caravan.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad option combinations of {@code caravan bench migration} are usage errors: exit 2, one line, before anything starts. */
class BenchMigrationOptionsTest {
    @Test
    void shouldRefuseLinkShapingWithoutHostsAsAUsageError() {
        Console.Result r = Console.run("bench", "migration", "--latency", "1ms");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines().getFirst()).contains("--latency and --bandwidth shape the links between hosts: add --hosts N");
    }

    @Test
    void shouldRefuseHostCountsOutOfRangeAndMalformedShapesAsUsageErrors() {
        assertThat(Console.run("bench", "migration", "--hosts", "9").exitCode()).isEqualTo(2);
        Console.Result shape = Console.run("bench", "migration", "--hosts", "2", "--bandwidth", "100");
        assertThat(shape.exitCode()).isEqualTo(2);
        assertThat(shape.errLines().getFirst()).contains("--bandwidth");
        assertThat(Console.run("bench", "migration", "--state", "0").exitCode()).isEqualTo(2);
    }

    @Test
    void shouldSayInItsHelpThatAMissedTargetExitsThree() {
        Console.Result r = Console.run("bench", "migration", "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().replaceAll("\\s+", " ")).contains("Exit code 0 when every target is met, 3 when one is missed (with --tls")
                .contains("0.7× the plaintext bandwidth), 1 on errors.");
    }
}
