package dev.caravan.cli.bench.switching;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SwitchBenchPartsTest {
    @TempDir
    Path tmp;

    @Test
    void shouldTakeMedianAndRangeIgnoringUnmeasuredRounds() {
        Spread s = new Spread(List.of(3.0, Double.NaN, 1.0, 2.0, 10.0), "req/s");
        assertThat(s.median()).isEqualTo(2.5);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(10.0);
        assertThat(s.render(1)).isEqualTo("2.5 (1.0–10.0)");
        assertThat(s.json()).containsEntry("unit", "req/s").containsEntry("median", 2.5);
        assertThat(new Spread(List.of(Double.NaN), "ms").render(2)).isEqualTo("-");
        assertThat(new Spread(List.of(Double.NaN), "ms").json()).containsEntry("median", null);
    }

    @Test
    void shouldTakeRatiosRoundByRoundAndCheckTargets() {
        HttpRounds rounds = new HttpRounds();
        for (int round = 1; round <= 2; round++) {
            double busy = round == 1 ? 1.0 : 0.5; // round 2 ran on a machine twice as busy
            rounds.add(new HttpRounds.Sample(HttpPath.HAPROXY, 64, round, wrk(10_000 * busy), null, null));
            rounds.add(new HttpRounds.Sample(HttpPath.CONTENT, 64, round, wrk(9_000 * busy), null, null));
        }
        List<HttpRounds.Row> rows = rounds.rows(List.of(64), 2);
        HttpRounds.Row content = rows.stream().filter(r -> r.path().equals(HttpPath.CONTENT)).findFirst().orElseThrow();
        assertThat(content.vsHaproxy().values()).containsExactly(0.9, 0.9);
        List<SwitchTargets.Target> targets = SwitchTargets.check(rows, List.of());
        assertThat(targets).hasSize(2);
        assertThat(targets.get(0).met()).isTrue();
        assertThat(targets.get(1).measured()).as("no open-loop p99 in these samples").isFalse();
        assertThat(targets.get(1).met()).isFalse();
    }

    private static WrkRun.Result wrk(double rps) {
        return new WrkRun.Result(2, 64, (long) (rps * 10), 10.0, 0, 1, 2);
    }

    @Test
    void shouldPointEachWrkThreadAtTheNextBackend() {
        String lua = WrkRun.script(List.of(new InetSocketAddress("127.0.0.1", 1001), new InetSocketAddress("127.0.0.1", 1002)));
        assertThat(lua).contains("{\"127.0.0.1\", \"1001\"}, {\"127.0.0.1\", \"1002\"}", "thread.addr = wrk.lookup(t[1], t[2])[1]",
                "function done(");
        assertThat(WrkRun.script(List.of(new InetSocketAddress("127.0.0.1", 1001)))).doesNotContain("setup(");
    }

    @Test
    void shouldGenerateAConfigurationHaproxyAccepts() throws Exception {
        assumeTrue(HaproxyReference.binary().isPresent(), "haproxy is not installed");
        Map<String, InetSocketAddress> backends = new LinkedHashMap<>();
        backends.put("web-1", new InetSocketAddress("127.0.0.1", 1001));
        backends.put("web-2", new InetSocketAddress("127.0.0.1", 1002));
        String cfg = HaproxyReference.config(backends, 2, new InetSocketAddress("127.0.0.1", 1000), tmp.resolve("h.sock"));
        assertThat(cfg).contains("nbthread 2", "mode http", "balance roundrobin", "http-reuse always", "server web-2 127.0.0.1:1002")
                .doesNotContain("httpclose");
        Path file = tmp.resolve("haproxy.cfg");
        Files.writeString(file, cfg);
        Process p = new ProcessBuilder(HaproxyReference.binary().orElseThrow(), "-c", "-f", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
