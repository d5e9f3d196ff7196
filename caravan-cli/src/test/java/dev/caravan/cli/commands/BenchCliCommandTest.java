package dev.caravan.cli.commands;

import dev.caravan.cli.bench.cli.TimedCommand;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BenchCliCommandTest {
    @Test
    void shouldTimeTheLauncherAgainstRedisCliAndCheckWhatEachPrints() {
        List<TimedCommand> commands = BenchCliCommand.commands("/x/caravan", "127.0.0.1:7400", "127.0.0.1:1", "/usr/bin/redis-cli", 6400, "s3cret");

        assertThat(commands).extracting(TimedCommand::name).containsExactly("caravan --help", "caravan ps",
                "caravan ps (no cluster)", "redis-cli --version", "redis-cli ping");
        assertThat(commands.get(1).argv()).containsExactly("/x/caravan", "ps", "--naming", "127.0.0.1:7400");
        assertThat(commands.get(4).argv()).containsExactly("/usr/bin/redis-cli", "-p", "6400", "ping");
        assertThat(commands).extracting(TimedCommand::reference)
                .containsExactly("redis-cli --version", "redis-cli ping", "redis-cli ping", null, null);

        assertThat(commands.subList(0, 3)).as("the caravan commands carry the token of the cluster the bench started")
                .allSatisfy(c -> assertThat(c.environment()).containsExactly(Map.entry("CARAVAN_TOKEN", "s3cret")));

        TimedCommand noCluster = commands.get(2);
        assertThat(noCluster.exitCode()).isEqualTo(1);
        assertThat(noCluster.check().test(new TimedCommand.Output("", "caravan: cannot reach 127.0.0.1:1 [UNAVAILABLE]\n"))).isTrue();
        assertThat(noCluster.check().test(new TimedCommand.Output("", "caravan: failure\n\tat a.b.C(C.java:1)\n"))).isFalse();
        assertThat(commands.get(0).check().test(new TimedCommand.Output("Usage: caravan [-hV]\n", "[warning][aot] stale\n"))).isFalse();
    }
}
