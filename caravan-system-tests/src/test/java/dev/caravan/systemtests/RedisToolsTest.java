package dev.caravan.systemtests;

import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ProcessInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The real redis-cli and redis-benchmark against the built-in Redis-compatible process. */
class RedisToolsTest {
    private static final Path REDIS_CLI = Path.of("/usr/bin/redis-cli");
    private static final Path REDIS_BENCHMARK = Path.of("/usr/bin/redis-benchmark");
    private static CaravanCluster cluster;
    private static ProcessInfo kv;

    @BeforeAll
    static void startCluster() throws Exception {
        assertThat(REDIS_CLI).as("redis-cli is installed").isExecutable();
        assertThat(REDIS_BENCHMARK).as("redis-benchmark is installed").isExecutable();
        cluster = CaravanCluster.aCluster().withNodes(1).start();
        kv = cluster.deployKv("redis-tools", "n1");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private record Run(int exitCode, String output) {
    }

    private static Run run(long timeoutSeconds, Path tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.toString());
        cmd.addAll(List.of("-h", kv.dataHost(), "-p", String.valueOf(kv.dataPort())));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish within " + timeoutSeconds + " s");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
    }

    private static String cli(String... args) throws IOException, InterruptedException {
        return run(30, REDIS_CLI, args).output();
    }

    @Test
    void shouldServeRedisCliStringAndCounterCommands() throws Exception {
        assertThat(cli("SET", "tool:k", "v")).isEqualTo("OK");
        assertThat(cli("GET", "tool:k")).isEqualTo("v");
        assertThat(cli("INCR", "tool:n")).isEqualTo("1");
        assertThat(cli("INCR", "tool:n")).isEqualTo("2");
        assertThat(cli("INCR", "tool:k")).contains("ERR value is not an integer or out of range");
        assertThat(cli("GET", "tool:missing")).isEmpty();
    }

    @Test
    void shouldCountKeysWithDbsize() throws Exception {
        int before = Integer.parseInt(cli("DBSIZE"));
        cli("SET", "dbsize:a", "1");
        cli("SET", "dbsize:b", "2");
        cli("SET", "dbsize:a", "3");

        assertThat(Integer.parseInt(cli("DBSIZE"))).isEqualTo(before + 2);
    }

    @Test
    @Tag("slow")
    void shouldRunRedisBenchmarkWithoutErrors() throws Exception {
        Run bench = run(120, REDIS_BENCHMARK, "-t", "set,get", "-n", "20000", "-c", "20", "-q");

        assertThat(bench.exitCode()).as(bench.output()).isZero();
        assertThat(bench.output()).contains("SET:").contains("GET:").doesNotContain("ERR").doesNotContainIgnoringCase("error");
    }

    @Test
    void shouldReadThroughClientLibraryWhatRedisCliWrote() throws Exception {
        assertThat(cli("SET", "shared:key", "from-redis-cli")).isEqualTo("OK");

        Reply r = cluster.client().call("redis-tools", "GET", "shared:key");

        assertThat(r).isInstanceOfSatisfying(Reply.Bulk.class, b -> assertThat(b.text()).isEqualTo("from-redis-cli"));
    }
}
