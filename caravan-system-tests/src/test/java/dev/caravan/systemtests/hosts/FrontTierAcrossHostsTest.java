package dev.caravan.systemtests.hosts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.cli.Main;
import dev.caravan.launch.ChildJvm;
import dev.caravan.launch.Placement;
import dev.caravan.launch.net.NetHosts;
import dev.caravan.launch.net.TestHost;
import dev.caravan.switching.admin.AdminClient;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A front tier of two switches on two hosts — s1 on h1, s2 on h2 — with naming (ZooKeeper, or
 * Caravan's naming daemon) and the DNS server ({@code caravan dns serve}, the CLI's own, as
 * production runs it) on h3, the node on h4, and the client inside h5: a {@link TierWriterMain}
 * JVM that finds the tier through {@code switch.<zone>} and writes through the switch DNS named
 * first, recording every acknowledgement. A PROCESS front end is declared on s1 only; s2 serves it
 * too, on its own address. Then the client's switch fails — killed with SIGKILL, or its host's link
 * cut (the switch lives on, unreachable) — and the client reconnects to s2 and goes on; every
 * acknowledged write is there at the end, DNS stops answering the dead switch once its lease ended,
 * and s2 holds the shared front end's entry.
 */
@Tag("slow")
class FrontTierAcrossHostsTest {
    private static final String ZONE = "caravan.internal";
    private static final long LEASE_MS = 1500;

    enum Naming { ZOOKEEPER, EMBEDDED }

    enum Fault { KILL_SWITCH, CUT_LINK }

    @BeforeAll
    static void needsHosts() {
        assumeTrue(NetHosts.available(), NetHosts.unavailableReason());
    }

    @ParameterizedTest(name = "{0} naming, {1}")
    @CsvSource({"ZOOKEEPER, KILL_SWITCH", "ZOOKEEPER, CUT_LINK", "EMBEDDED, KILL_SWITCH", "EMBEDDED, CUT_LINK"})
    void shouldKeepEveryAcknowledgedWriteThroughTheOtherSwitchWhenTheClientsSwitchFails(Naming naming, Fault fault)
            throws Exception {
        try (NetHosts hosts = NetHosts.create(5)) {
            TestHost h1 = hosts.host(1);
            TestHost h2 = hosts.host(2);
            TestHost h3 = hosts.host(3);
            Placement placement = new Placement(Placement.place(h3), List.of(Placement.place(h1), Placement.place(h2)),
                    Placement.place(h3), List.of(Placement.place(hosts.host(4))));
            CaravanCluster.Builder builder = CaravanCluster.aCluster().withPlacement(placement).withNodes(1).withSwitches(2)
                    .withLeaseMs(LEASE_MS);
            if (naming == Naming.ZOOKEEPER) {
                builder.withZooKeeper();
            }
            try (CaravanCluster c = builder.start();
                 ChildJvm dns = ChildJvm.start("dns", h3.execPrefix(), CaravanCluster.FAST_JVM_OPTIONS, Main.class,
                         List.of("dns", "serve", "--naming", c.namingSpec().toString(), "--bind", h3.address(), "--port", "0",
                                 "--ttl", "1"), c.workDir().resolve("logs"))) {
                InetSocketAddress dnsAt = new InetSocketAddress(h3.address(), Integer.parseInt(dns.awaitReady("port", 60_000)));
                run(c, hosts, dnsAt, naming, fault);
            }
        }
    }

    private static void run(CaravanCluster c, NetHosts hosts, InetSocketAddress dns, Naming naming, Fault fault) throws Exception {
        TestHost h1 = hosts.host(1);
        TestHost h2 = hosts.host(2);
        c.deployKv("kv1", "n1");
        InetSocketAddress s1 = c.local().switchAdmins().get("s1");
        InetSocketAddress s2 = c.local().switchAdmins().get("s2");
        assertThat(s1.getHostString()).isEqualTo(h1.address());
        assertThat(s2.getHostString()).isEqualTo(h2.address());
        JsonNode created = new AdminClient(s1, "", Duration.ofSeconds(10)).post("/frontends", "{\"name\": \"kv\", \"listen\": \""
                + h1.address() + ":0\", \"protocol\": \"resp\", \"mode\": \"process\", \"backends\": \"name:kv1\"}");
        int port = Integer.parseInt(created.at("/frontend/address").asText().split(":")[1]);

        // Declared on s1, served by s2 on its own host's address, same port.
        await("s2 serves kv").atMost(Duration.ofSeconds(20)).until(() -> addressOf(s2, "kv").equals(h2.address() + ":" + port));
        await("DNS answers both switches").atMost(Duration.ofSeconds(20))
                .until(() -> TierWriterMain.resolve(dns, ZONE).size() == 2);
        assertThat(TierWriterMain.resolve(dns, ZONE)).containsExactly(h1.address(), h2.address());

        try (TierWriter w = TierWriter.start(hosts.host(5), dns, ZONE, port, c.workDir().resolve("logs"))) {
            await("writes through s1").atMost(Duration.ofSeconds(30)).until(() -> w.acked.get() >= 200 || !w.failures.isEmpty());
            assertThat(w.failures).isEmpty();
            assertThat(w.connectedTo.get()).as("the writer's switch").isEqualTo(h1.address());
            long faultNs = System.nanoTime();
            if (fault == Fault.KILL_SWITCH) {
                c.local().switchJvms().get("s1").kill();
            } else {
                h1.cutLink();
            }

            long ackedAtFault = w.acked.get();
            await("writes again, through s2").atMost(Duration.ofSeconds(30))
                    .until(() -> w.acked.get() >= ackedAtFault + 200 || !w.failures.isEmpty());
            long resumedMs = millisSince(faultNs);
            assertThat(w.failures).isEmpty();
            assertThat(w.connectedTo.get()).isEqualTo(h2.address());
            assertThat(w.reconnects).isNotEmpty().allSatisfy(r -> assertThat(r.to()).isEqualTo(h2.address()));

            // The dead switch leaves the DNS answer when its lease ends.
            await("DNS answers s2 only").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> TierWriterMain.resolve(dns, ZONE).equals(List.of(h2.address())));
            long dnsDroppedMs = millisSince(faultNs);
            // The configuration outlived s1, whose lease held it: s2 holds it now.
            await("s2 holds the front end's entry").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> c.client().naming().lookup("switchconfig/frontend/kv")
                            .map(e -> "s2".equals(e.attribute("holder"))).orElse(false));
            long reheldMs = millisSince(faultNs);

            long acked = w.stop();
            assertThat(w.failures).isEmpty();
            assertEveryWritePresent(new InetSocketAddress(h2.address(), port), acked);
            System.out.printf("front tier across hosts, %s naming, %s: %d writes acknowledged, reconnects %s (gap %d ms), "
                            + "writing again %d ms after the fault, DNS without s1 after %d ms, entry re-held by s2 after %d ms%n",
                    naming, fault, acked, w.reconnects, w.maxGapMs(), resumedMs, dnsDroppedMs, reheldMs);
        } finally {
            if (fault == Fault.CUT_LINK) {
                c.local().switchJvms().get("s1").kill();
                h1.restoreLink();
            }
        }
    }

    private static long millisSince(long startNs) {
        return (System.nanoTime() - startNs) / 1_000_000;
    }

    /** GETs {@code w:1..w:acked} through the front end at {@code front}, pipelined 1000 at a time. */
    private static void assertEveryWritePresent(InetSocketAddress front, long acked) throws Exception {
        try (RespConnection check = new RespConnection(front)) {
            for (long from = 1; from <= acked; from += 1000) {
                List<Command> gets = new ArrayList<>();
                for (long i = from; i <= Math.min(acked, from + 999); i++) {
                    gets.add(Command.of("GET", "w:" + i));
                }
                List<Reply> replies = check.pipeline(gets);
                for (int k = 0; k < replies.size(); k++) {
                    long i = from + k;
                    assertThat(replies.get(k)).as("acknowledged write w:%d", i).isEqualTo(Reply.bulk(Long.toString(i)));
                }
            }
        }
    }

    private static String addressOf(InetSocketAddress admin, String frontend) {
        for (JsonNode f : new AdminClient(admin, "", Duration.ofSeconds(10)).get("/frontends").get("frontends")) {
            if (f.get("name").asText().equals(frontend)) {
                return f.get("address").asText();
            }
        }
        return "";
    }
}
