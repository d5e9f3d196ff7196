package dev.caravan.systemtests.hosts;

import dev.caravan.client.KvFiller;
import dev.caravan.client.NodeControl;
import dev.caravan.launch.net.NetHosts;
import dev.caravan.launch.net.TestHost;
import dev.caravan.naming.NamingEntry;
import dev.caravan.testsupport.AckedWriter;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Migration between nodes on different hosts (network namespaces on one bridge): naming and the
 * switch on h1, n1 on h2, n2 on h3. A Redis-compatible process holding {@value #STATE_MIB} MiB moves
 * between h2 and h3 in every mode, with 1 ms and then 10 ms of one-way delay between the two hosts
 * and each host's link capped at {@value #CAP_MBIT} Mbit/s, while clients write through the switch.
 * Each migration must commit, fail no request, lose no acknowledged write, and its bytes must cross
 * the two hosts' links no faster than the cap allows.
 */
@Tag("slow")
class CrossHostMigrationTest {
    static final int STATE_MIB = 16;
    static final long CAP_MBIT = 200;
    private static final long CAP_BYTES_PER_SEC = CAP_MBIT * 1_000_000 / 8;
    private static final int VALUE_BYTES = 4096;

    private static NetHosts hosts;
    private static CaravanCluster cluster;
    private static InetSocketAddress viaSwitch;

    @BeforeAll
    static void start() throws Exception {
        assumeThat(NetHosts.available()).as(NetHosts.unavailableReason()).isTrue();
        hosts = NetHosts.create(3);
        for (TestHost nodeHost : List.of(hosts.host(2), hosts.host(3))) {
            nodeHost.limitBandwidth(CAP_MBIT * 1_000_000);
            nodeHost.addLatency(Duration.ofNanos(500_000));
        }
        cluster = CaravanCluster.aCluster().withNodes(2).withSwitch().onHosts(hosts).start();
        var kv = cluster.deployKv("kv", "n1");
        KvFiller.fill(CaravanCluster.dataAddress(kv), STATE_MIB * (1 << 20) / VALUE_BYTES, VALUE_BYTES);
        NamingEntry front = await().atMost(Duration.ofSeconds(20))
                .until(() -> cluster.client().naming().lookup("front/kv"), e -> e.isPresent()).orElseThrow();
        viaSwitch = new InetSocketAddress(front.host(), front.port());
    }

    @AfterAll
    static void stop() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (hosts != null) {
                hosts.close();
            }
        }
    }

    static Stream<Arguments> linksAndModes() {
        List<Arguments> cases = new ArrayList<>();
        for (Duration oneWay : List.of(Duration.ofMillis(1), Duration.ofMillis(10))) {
            for (MigrationMode mode : MigrationMode.values()) {
                cases.add(Arguments.of(oneWay, mode));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{1}, {0} one-way")
    @MethodSource("linksAndModes")
    void shouldMoveAcrossHostsWithinTheLinkCapWithoutFailingOrLosingAnyAcknowledgedWrite(Duration oneWay, MigrationMode mode)
            throws Exception {
        // The path between h2 and h3 crosses both hosts' links: each delays by half.
        hosts.host(2).addLatency(oneWay.dividedBy(2));
        hosts.host(3).addLatency(oneWay.dividedBy(2));
        String from = cluster.client().resolve("kv").orElseThrow().node();
        String to = from.equals("n1") ? "n2" : "n1";
        TestHost source = hostOf(from);
        TestHost destination = hostOf(to);
        try (RespConnection c = new RespConnection(viaSwitch)) {
            // The writers count from 1 again; their keys w:t:i are rewritten with the same values.
            assertThat(c.call("DEL", "c:0", "c:1")).isInstanceOf(Reply.Int.class);
        }
        AckedWriter writers = new AckedWriter(viaSwitch, 2);
        MigrationReport report;
        LinkCounters sourceLink;
        LinkCounters destinationLink;
        try {
            await().atMost(20, TimeUnit.SECONDS).until(() -> writers.totalAcked() > 50 || !writers.failures().isEmpty());
            LinkCounters sourceBefore = LinkCounters.of(source);
            LinkCounters destinationBefore = LinkCounters.of(destination);
            report = NodeControl.migrate(cluster.controlAddress(from), "",
                    new MigrationRequest("kv", to, mode, 50, 30, 2, false, "", ""), p -> { }, Duration.ofMinutes(1));
            sourceLink = LinkCounters.of(source).since(sourceBefore);
            destinationLink = LinkCounters.of(destination).since(destinationBefore);
            long ackedAtCommit = writers.totalAcked();
            await().atMost(20, TimeUnit.SECONDS).until(() -> writers.totalAcked() > ackedAtCommit + 50
                    || !writers.failures().isEmpty());
            writers.stop();
            assertThat(writers.failures()).as("failed client requests").isEmpty();
            writers.assertNothingLost(viaSwitch);
        } finally {
            writers.stop();
        }

        System.out.printf(java.util.Locale.ROOT, "%s %s -> %s, %s one-way: total %d ms, downtime %.1f ms, sent %d bytes at %.1f MB/s;"
                        + " h%d sent %d, h%d received %d%n", mode, from, to, oneWay, report.totalMs(), report.downtimeMicros() / 1e3,
                report.bytesSent(), report.throughputBytesPerSec() / 1e6, source.number(), sourceLink.sentBytes(),
                destination.number(), destinationLink.receivedBytes());
        assertThat(report.outcome().label()).as(report.detail()).isEqualTo("committed");
        assertThat(cluster.client().resolve("kv").orElseThrow().node()).isEqualTo(to);
        assertThat(report.stateBytes()).isGreaterThanOrEqualTo((long) STATE_MIB << 20);
        assertThat(report.downtimeMicros()).as("downtime").isPositive();
        assertThat(report.totalMs()).as("total time").isPositive();
        // No faster than the cap: the state went over the capped link (tbf's 250 KB bucket aside).
        assertThat(report.totalMs()).as("total ms for %d bytes sent at %d Mbit/s", report.bytesSent(), CAP_MBIT)
                .isGreaterThanOrEqualTo((report.bytesSent() - 256_000) * 1000 / CAP_BYTES_PER_SEC);
        assertThat(report.throughputBytesPerSec()).isLessThan(CAP_BYTES_PER_SEC * 1.05);
        // ... and over the bridge: the source host sent it, the destination host received it.
        assertThat(sourceLink.sentBytes()).as("bytes h%d sent", source.number()).isGreaterThanOrEqualTo(report.bytesSent());
        assertThat(destinationLink.receivedBytes()).as("bytes h%d received", destination.number())
                .isGreaterThanOrEqualTo(report.bytesSent());
    }

    private static TestHost hostOf(String nodeId) {
        String address = cluster.nodePlace(nodeId).bindAddress();
        return hosts.hosts().stream().filter(h -> h.address().equals(address)).findFirst().orElseThrow();
    }
}
