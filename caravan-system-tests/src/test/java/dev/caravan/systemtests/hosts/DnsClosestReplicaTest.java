package dev.caravan.systemtests.hosts;

import dev.caravan.cli.Main;
import dev.caravan.launch.ChildJvm;
import dev.caravan.launch.Placement;
import dev.caravan.launch.net.NetHosts;
import dev.caravan.launch.net.TestHost;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.ProcessSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DNS dispatch by the asking client's host, across network namespaces: the DNS dispatcher
 * ({@code caravan dns serve}, the CLI's own, in a JVM) runs on h1 (with naming); replicas {@code kv-a} (node n1, on h2) and {@code kv-b} (n2, on h3) of the
 * service {@code kv}; {@code dig} runs inside h2, h3 and h4. The topology gives h2 a per-host
 * /32 rule, and the rest of the test subnet the rule "a replica on the client's own address
 * first, then n1, then n2" — so h3 gets kv-b only by {@code same-host}, and h4 (no replica) n1's:
 * <pre>
 *   &lt;h2&gt;/32        n1
 *   &lt;subnet&gt;/24    same-host n1 n2
 * </pre>
 * Each host's clients get their own host's replica first, h4 the fallback order; under
 * load, redis-benchmark in h2 and h3 uses the replica it was answered and every request lands
 * there; when n2 dies its replica drops out of the answers.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DnsClosestReplicaTest {
    private static final String ZONE = "caravan.internal";
    private static NetHosts hosts;
    private static CaravanCluster cluster;
    private static ChildJvm dns;
    private static String server;
    private static String port;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(NetHosts.available(), NetHosts.unavailableReason());
        hosts = NetHosts.create(4);
        TestHost h1 = hosts.host(1);
        cluster = CaravanCluster.aCluster().withNodes(2).withPlacement(Placement.spread(List.of(Placement.place(h1),
                Placement.place(hosts.host(2)), Placement.place(hosts.host(3))))).start();
        deployKv("kv-a", "n1");
        deployKv("kv-b", "n2");
        String a = h1.address();
        Path topology = Files.writeString(tmp.resolve("topology"), """
                # h2 by a per-host rule; every other host: its own replica, else n1, then n2
                %s/32 n1
                %s/24 same-host n1 n2
                """.formatted(hosts.host(2).address(), a.substring(0, a.lastIndexOf('.')) + ".0"));
        // TTL 1 s, so that the test sees changes quickly.
        dns = ChildJvm.start("dns", h1.execPrefix(), CaravanCluster.FAST_JVM_OPTIONS, Main.class, List.of("dns", "serve",
                "--naming", cluster.namingHostPort(), "--bind", a, "--port", "0", "--topology", topology.toString(), "--ttl", "1"),
                cluster.workDir().resolve("logs"));
        port = dns.awaitReady("port", 60_000);
        server = a;
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    private static void deployKv(String name, String node) {
        cluster.control(node).start(new ProcessSpec(name, "kv", "", "", CaravanCluster.PROCESS_MEMORY_BYTES,
                Map.of("label.service", "kv")));
    }

    /** {@code dig +short} run inside {@code host} against the dispatcher: the answer's lines. */
    private static List<String> dig(TestHost host, String name, String type) throws Exception {
        String out = InHost.run(host, "dig", "@" + server, "-p", port, name, type, "+short", "+time=2", "+tries=3");
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static String closest(TestHost host) throws Exception {
        List<String> a = dig(host, "kv." + ZONE, "A");
        assertThat(a).as("one A record, the closest replica").hasSize(1);
        return a.getFirst();
    }

    @Test
    @Order(1)
    void shouldAnswerEachHostWithItsOwnHostsReplicaAndOthersWithTheFallbackOrder() throws Exception {
        TestHost h2 = hosts.host(2);
        TestHost h3 = hosts.host(3);
        assertThat(closest(h2)).isEqualTo(h2.address());
        assertThat(closest(h3)).isEqualTo(h3.address());
        assertThat(closest(hosts.host(4))).as("no replica on h4: n1 first").isEqualTo(h2.address());
        // SRV priority is the rank (the index of the matching preference): 0 for the closest.
        assertThat(dig(h2, "_kv._tcp." + ZONE, "SRV")).satisfiesExactly(
                first -> assertThat(first).startsWith("0 1 ").endsWith(" kv-a." + ZONE + "."),
                second -> assertThat(second).startsWith("1 1 ").endsWith(" kv-b." + ZONE + "."));
        assertThat(dig(h3, "_kv._tcp." + ZONE, "SRV")).as("same-host, then n1").satisfiesExactly(
                first -> assertThat(first).startsWith("0 1 ").endsWith(" kv-b." + ZONE + "."),
                second -> assertThat(second).startsWith("1 1 ").endsWith(" kv-a." + ZONE + "."));
        assertThat(dig(hosts.host(4), "_kv._tcp." + ZONE, "SRV")).as("n1, then n2").satisfiesExactly(
                first -> assertThat(first).startsWith("1 1 ").endsWith(" kv-a." + ZONE + "."),
                second -> assertThat(second).startsWith("2 1 ").endsWith(" kv-b." + ZONE + "."));
    }

    @Test
    @Order(2)
    void shouldLoadEachHostsReplicaFromItsOwnClientsWithoutAFailedRequest() throws Exception {
        int requests = 20_000;
        List<TestHost> clients = List.of(hosts.host(2), hosts.host(3));
        List<CompletableFuture<String>> runs = clients.stream().map(h -> CompletableFuture.supplyAsync(() -> {
            try {
                // What a client does: ask DNS (SRV: the closest replica's port; A: its address), then use it.
                String[] srv = dig(h, "_kv._tcp." + ZONE, "SRV").getFirst().split(" ");
                String address = closest(h);
                return address + " " + InHost.run(h, "redis-benchmark", "-h", address, "-p", srv[2], "-n", "" + requests,
                        "-c", "8", "-q", "INCR", "counter-" + h.name());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).toList();
        for (int i = 0; i < clients.size(); i++) {
            String out = runs.get(i).join();
            assertThat(out).as(out).startsWith(clients.get(i).address() + " ").doesNotContainIgnoringCase("error");
        }
        // Every INCR landed exactly once, at the client's own host's replica, none at the other.
        assertThat(get("kv-a", "counter-" + hosts.host(2).name())).isEqualTo(String.valueOf(requests));
        assertThat(get("kv-b", "counter-" + hosts.host(3).name())).isEqualTo(String.valueOf(requests));
        assertThat(get("kv-a", "counter-" + hosts.host(3).name())).isEmpty();
        assertThat(get("kv-b", "counter-" + hosts.host(2).name())).isEmpty();
    }

    /** GET through redis-cli, run in h1 against a replica's data endpoint; "" for nil. */
    private static String get(String process, String key) throws Exception {
        var info = cluster.client().naming().lookup("process/" + process).orElseThrow();
        return InHost.run(hosts.host(1), "redis-cli", "-h", info.host(), "-p", String.valueOf(info.port()), "--raw", "GET", key)
                .strip();
    }

    @Test
    @Order(3)
    void shouldDropAReplicaWhoseNodeDied() throws Exception {
        cluster.killNode("n2");
        TestHost h3 = hosts.host(3);
        await().atMost(Duration.ofSeconds(30)).until(() -> closest(h3).equals(hosts.host(2).address()));
        assertThat(closest(hosts.host(4))).isEqualTo(hosts.host(2).address());
        assertThat(dig(h3, "_kv._tcp." + ZONE, "SRV")).singleElement().asString().endsWith(" kv-a." + ZONE + ".");
    }
}
