package dev.caravan.systemtests;

import dev.caravan.client.CaravanClient;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A node that cannot renew its naming lease stops answering for its processes, and comes back. */
@Tag("slow")
class NamingLeaseLossTest {
    private static final long LEASE_MS = 1500;

    @Test
    void shouldAnswerTryAgainWhenNamingDiesAndServeAgainWhenItReturns() throws Exception {
        try (CaravanCluster cluster = CaravanCluster.aCluster().withNodes(1).withLeaseMs(LEASE_MS).start()) {
            ProcessInfo kv = cluster.deployKv("fenced", "n1");
            InetSocketAddress data = CaravanCluster.dataAddress(kv);
            try (RespConnection resp = new RespConnection(data)) {
                assertThat(resp.call("SET", "k", "v")).isEqualTo(Reply.OK);
                assertThat(resp.call("PING")).isEqualTo(new Reply.Simple("PONG"));

                cluster.killNaming();

                await("data endpoint fenced").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                        .untilAsserted(() -> assertThat(resp.call("GET", "k")).isInstanceOfSatisfying(Reply.Error.class,
                                e -> assertThat(e.text()).startsWith("TRYAGAIN")));
                assertThat(resp.call("PING")).isInstanceOfSatisfying(Reply.Error.class,
                        e -> assertThat(e.text()).startsWith("TRYAGAIN"));
                try (RespConnection fresh = new RespConnection(data)) {
                    assertThat(fresh.call("GET", "k")).as("new connections are fenced too")
                            .isInstanceOfSatisfying(Reply.Error.class, e -> assertThat(e.text()).startsWith("TRYAGAIN"));
                }
                assertThat(cluster.node("n1").isAlive()).as("losing the lease must not kill the node").isTrue();

                cluster.restartNaming();

                await("node re-registered and serving").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .untilAsserted(() -> assertThat(getOrError(resp, "k")).isEqualTo("v"));
                try (CaravanClient client = cluster.newClient()) {
                    await("process re-registered in the new naming").atMost(Duration.ofSeconds(10))
                            .untilAsserted(() -> assertThat(client.resolve("fenced")).isPresent());
                    assertThat(client.call("fenced", "GET", "k"))
                            .isInstanceOfSatisfying(Reply.Bulk.class, b -> assertThat(b.text()).isEqualTo("v"));
                }
            }
        }
    }

    private static String getOrError(RespConnection resp, String key) throws IOException {
        return switch (resp.call("GET", key)) {
            case Reply.Bulk b -> b.text();
            case Reply r -> r.toString();
        };
    }
}
