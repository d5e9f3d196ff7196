package dev.caravan.systemtests.hosts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.launch.Placement;
import dev.caravan.launch.net.NetHosts;
import dev.caravan.launch.net.TestHost;
import dev.caravan.switching.admin.AdminClient;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.ProcessSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Switching across network-namespace hosts: naming, the switch and node n1 on h1; n2 on h2; n3 on
 * h3; clients (curl, wrk) in h4. A handoff front end hands clients of the replica on h1 to n1 (same
 * host) and splices those of the replica on h2 itself (another host: the Unix socket's path would be
 * reachable, the host identity says no) — and says so in its admin API and log. A transport front
 * end splices to backends on h2 and h3 under load, also with 2 ms RTT on one of them.
 */
@Tag("slow")
class CrossHostSwitchingTest {
    private static NetHosts hosts;
    private static CaravanCluster cluster;
    private static AdminClient admin;
    private static TestHost client;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(NetHosts.available(), NetHosts.unavailableReason());
        hosts = NetHosts.create(4);
        TestHost h1 = hosts.host(1);
        client = hosts.host(4);
        Placement placement = new Placement(Placement.place(h1), Placement.place(h1), Placement.place(h1),
                List.of(Placement.place(h1), Placement.place(hosts.host(2)), Placement.place(hosts.host(3))));
        cluster = CaravanCluster.aCluster().withNodes(3).withSwitch().withPlacement(placement).start();
        deployHttp("web-1", "n1", "web");
        deployHttp("web-2", "n2", "web");
        deployHttp("far-2", "n2", "far");
        deployHttp("far-3", "n3", "far");
        admin = new AdminClient(cluster.local().switchAdmin(), "", Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            System.out.println("switch log (tail):\n" + cluster.local().switchJvm().tail(40));
            cluster.close();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    private static void deployHttp(String name, String node, String service) {
        cluster.control(node).start(new ProcessSpec(name, "http", "", "", 16L << 20, Map.of("label.service", service)));
    }

    /** Declares a front end on h1 through the admin API; returns its host:port once both backends are in its pool. */
    private static String declare(String name, String protocol, String mode, String service, String policy) {
        JsonNode reply = admin.post("/frontends", """
                {"name": "%s", "listen": "%s:0", "protocol": "%s", "mode": "%s", "backends": "label:service=%s", "policy": "%s"}"""
                .formatted(name, hosts.host(1).address(), protocol, mode, service, policy));
        await().atMost(Duration.ofSeconds(20)).until(() -> backends(name).size() == 2);
        return reply.path("frontend").path("address").asText();
    }

    /** backend id → its admin API object. */
    private static Map<String, JsonNode> backends(String frontend) {
        Map<String, JsonNode> out = new HashMap<>();
        admin.get("/backends?frontend=" + frontend).path("backends").forEach(b -> out.put(b.path("id").asText(), b));
        return out;
    }

    private static JsonNode frontendJson(String name) {
        for (JsonNode f : admin.get("/frontends").path("frontends")) {
            if (f.path("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no front end " + name);
    }

    @Test
    void shouldHandOffOnTheSwitchsHostAndSpliceForANodeOnAnotherHostUnderLoad() throws Exception {
        String front = declare("web-ho", "http", "handoff", "web", "round-robin");
        Map<String, JsonNode> before = backends("web-ho");
        assertThat(before.get("web-1").path("mode").asText()).as("n1 runs on the switch's host").isEqualTo("handoff");
        assertThat(before.get("web-2").path("mode").asText()).as("n2 runs on h2").isEqualTo("splice (other host)");

        Map<String, Integer> byReplica = new HashMap<>();
        Pattern replica = Pattern.compile("X-Caravan-Process: (\\S+)");
        for (int i = 0; i < 6; i++) {
            Matcher m = replica.matcher(InHost.run(client, "curl", "-sS", "-i", "--max-time", "10", "http://" + front + "/"));
            assertThat(m.find()).isTrue();
            byReplica.merge(m.group(1), 1, Integer::sum);
        }
        assertThat(byReplica).as("round robin: handed off to web-1, spliced to web-2").isEqualTo(Map.of("web-1", 3, "web-2", 3));

        // A new connection per request: each is dispatched, half handed off, half spliced.
        long requests = InHost.wrkRequestsWithoutErrors(InHost.run(client, "wrk", "-t", "2", "-c", "8", "-d", "3s",
                "--timeout", "5s", "-H", "Connection: close", "http://" + front + "/"));
        assertThat(requests).isGreaterThan(50);

        JsonNode f = frontendJson("web-ho");
        assertThat(f.path("handedOff").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(f.path("splicedFallback").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(f.path("refused").asLong()).isZero();
        assertThat(f.path("backendModes").path("web-1").asText()).isEqualTo("handoff");
        assertThat(f.path("backendModes").path("web-2").asText()).isEqualTo("splice (other host)");
        Map<String, JsonNode> after = backends("web-ho");
        assertThat(after.get("web-1").path("failed").asLong()).isZero();
        assertThat(after.get("web-2").path("failed").asLong()).isZero();
        String switchLog = Files.readString(cluster.local().switchJvm().log());
        assertThat(switchLog).contains("front end web-ho: clients of n2 are spliced, not handed off: node n2 is on another host")
                .doesNotContain("clients of n1 are spliced");
    }

    @Test
    void shouldSpliceToBackendsOnOtherHostsUnderLoadAlsoWithLatencyOnOne() throws Exception {
        String front = declare("far-tcp", "tcp", "transport", "far", "least-connections");
        long requests = InHost.wrkRequestsWithoutErrors(InHost.run(client, "wrk", "-t", "2", "-c", "16", "-d", "3s",
                "--timeout", "5s", "-H", "Connection: close", "http://" + front + "/"));
        assertThat(requests).isGreaterThan(100);
        Map<String, JsonNode> first = backends("far-tcp");
        assertThat(first.get("far-2").path("served").asLong()).isPositive();
        assertThat(first.get("far-3").path("served").asLong()).isPositive();

        hosts.host(3).addLatency(Duration.ofMillis(1)); // 2 ms RTT to far-3
        try {
            long slow = InHost.wrkRequestsWithoutErrors(InHost.run(client, "wrk", "-t", "2", "-c", "16", "-d", "3s",
                    "--timeout", "5s", "-H", "Connection: close", "http://" + front + "/"));
            assertThat(slow).isGreaterThan(100);
        } finally {
            hosts.host(3).addLatency(Duration.ZERO);
        }
        Map<String, JsonNode> second = backends("far-tcp");
        for (String id : List.of("far-2", "far-3")) {
            assertThat(second.get(id).path("served").asLong()).as(id).isGreaterThan(first.get(id).path("served").asLong());
            assertThat(second.get(id).path("failed").asLong()).as(id).isZero();
            assertThat(second.get(id).path("mode").asText()).isEqualTo("transport");
        }
    }
}
