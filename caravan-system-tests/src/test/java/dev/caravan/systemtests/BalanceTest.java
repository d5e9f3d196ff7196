package dev.caravan.systemtests;

import dev.caravan.cli.bench.balance.PacedClients;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.ProcessInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Push and pull balancing on real node JVMs: an unbalanced cluster spreads its load and nothing ping-pongs. */
@Tag("slow")
class BalanceTest {
    /** The balancer's INFO line for each push, in every node's log. */
    private static final Pattern PUSH = Pattern.compile(" pushes (\\S+) to (\\S+) \\(");

    @Test
    void shouldSpreadAnUnbalancedClusterWithPushAndPullWithoutMovingAProcessBackAndForth() throws Exception {
        // Six processes serving 100 commands/s each on n1; a full node is 500/s, so each is 20 % and n1 is at 120 %.
        // Above 50 % a node pushes; below 30 % it pulls: the only stable spread is two processes per node.
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(3).withNodeArgs("--balance", "both", "--balance-metric", "rate",
                "--balance-rate-capacity", "500", "--balance-high", "0.5", "--balance-low", "0.3", "--balance-period", "500ms",
                "--balance-cooldown", "20s").start()) {
            List<InetSocketAddress> fronts = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                ProcessInfo kv = c.deployKv("kv" + i, "n1");
                fronts.add(CaravanCluster.frontAddress(kv));
            }
            try (PacedClients load = new PacedClients(fronts, 100)) {
                await().atMost(90, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS)
                        .until(() -> counts(c).values().stream().allMatch(n -> n == 2));
                Map<String, Integer> spread = counts(c);
                // Converged means it stays: nothing moves while the load goes on.
                await().during(5, TimeUnit.SECONDS).atMost(8, TimeUnit.SECONDS).pollInterval(250, TimeUnit.MILLISECONDS)
                        .until(() -> counts(c).equals(spread));
                assertThat(load.served()).isGreaterThan(1000);
            }
            Map<String, List<String>> movesByProcess = new LinkedHashMap<>();
            for (String node : List.of("n1", "n2", "n3")) {
                Matcher m = PUSH.matcher(Files.readString(c.node(node).log()));
                while (m.find()) {
                    movesByProcess.computeIfAbsent(m.group(1), p -> new ArrayList<>()).add(node + "->" + m.group(2));
                }
            }
            // Four processes had to move (6 on one node to 2 per node); none moved twice (no ping-pong).
            assertThat(movesByProcess).hasSize(4);
            assertThat(movesByProcess.values()).as(movesByProcess.toString()).allMatch(moves -> moves.size() == 1);
        }
    }

    private static Map<String, Integer> counts(CaravanCluster c) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String node : List.of("n1", "n2", "n3")) {
            out.put(node, c.control(node).list().size());
        }
        return out;
    }
}
