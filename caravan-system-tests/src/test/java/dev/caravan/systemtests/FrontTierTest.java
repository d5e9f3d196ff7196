package dev.caravan.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.core.time.Clock;
import dev.caravan.launch.ChildJvm;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.RemoteNamingService;
import dev.caravan.switching.admin.AdminClient;
import dev.caravan.switching.dns.DnsServer;
import dev.caravan.switching.dns.DnsServerConfig;
import dev.caravan.switching.dns.Topology;
import dev.caravan.switching.dns.ZoneWatcher;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A front tier of two switch JVMs (s1 on 127.0.0.1, s2 on 127.0.0.2) sharing their front ends
 * through naming, found through DNS ({@code switch.<zone>}): a client writing through it survives
 * the SIGKILL of the switch it was connected to by reconnecting to the other, and no acknowledged
 * write is lost.
 */
class FrontTierTest {
    private static final String ZONE = "caravan.internal.";

    @Test
    void shouldKeepWritingThroughTheOtherSwitchWhenTheClientsSwitchIsKilled() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(1).withSwitches(2).withLeaseMs(1500).start();
             NamingService naming = new RemoteNamingService(c.namingAddress(), new Hello("front-tier-test", ""), Duration.ofSeconds(5));
             ZoneWatcher zone = ZoneWatcher.start(naming, DnsServerConfig.parseZone(ZONE), 2_000);
             DnsServer dns = DnsServer.start(DnsServerConfig.of(ZONE, new InetSocketAddress("127.0.0.1", 0), 5,
                     Topology.parse("", "test")), zone::current, Clock.system())) {
            c.deployKv("kv1", "n1");
            InetSocketAddress s1 = c.local().switchAdmins().get("s1");
            InetSocketAddress s2 = c.local().switchAdmins().get("s2");
            JsonNode created = new AdminClient(s1, "", Duration.ofSeconds(10)).post("/frontends", "{\"name\": \"kv\","
                    + " \"listen\": \"127.0.0.1:0\", \"protocol\": \"resp\", \"mode\": \"process\", \"backends\": \"name:kv1\"}");
            int port = Integer.parseInt(created.at("/frontend/address").asText().split(":")[1]);

            // Added on s1, served by s2 on its own address, same port.
            await().atMost(Duration.ofSeconds(20)).until(() -> addressOf(s2, "kv").equals("127.0.0.2:" + port));
            try (RespConnection viaS2 = new RespConnection(new InetSocketAddress("127.0.0.2", port))) {
                assertThat(viaS2.call("SET", "hello", "s2")).isEqualTo(Reply.OK);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> resolve(dns.port()).size() == 2);
            assertThat(resolve(dns.port())).containsExactly("127.0.0.1", "127.0.0.2");

            try (Writer w = new Writer(dns.port(), port)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> w.acked.get() >= 200);
                assertThat(w.connectedTo.get()).isEqualTo("127.0.0.1");
                ChildJvm s1Jvm = c.local().switchJvms().get("s1");
                long killedAt = System.nanoTime();

                s1Jvm.kill();

                long ackedAtKill = w.acked.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> w.acked.get() >= ackedAtKill + 200);
                long recoveredMs = (System.nanoTime() - killedAt) / 1_000_000;
                assertThat(w.connectedTo.get()).isEqualTo("127.0.0.2");
                assertThat(w.reconnects.get()).isGreaterThanOrEqualTo(1);
                // The dead switch leaves the DNS answer when its lease ends.
                await().atMost(Duration.ofSeconds(20)).until(() -> resolve(dns.port()).equals(List.of("127.0.0.2")));
                w.stop();
                assertThat(w.failures).isEmpty();
                System.out.println("front tier: " + w.acked.get() + " writes acknowledged, " + w.reconnects.get()
                        + " reconnect(s), writing again through s2 " + recoveredMs + " ms after s1 was killed");

                try (RespConnection check = new RespConnection(new InetSocketAddress("127.0.0.2", port))) {
                    for (long i = 1; i <= w.acked.get(); i++) {
                        assertThat(check.call("GET", "w:" + i)).as("acknowledged write w:%d", i).isEqualTo(Reply.bulk(Long.toString(i)));
                    }
                }
            }
            // The configuration outlived s1, whose lease held it: s2 holds it now.
            await().atMost(Duration.ofSeconds(20)).until(() -> naming.lookup("switchconfig/frontend/kv")
                    .map(e -> "s2".equals(e.attribute("holder"))).orElse(false));
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

    /** The front tier's addresses as DNS gives them ({@code switch.<zone>} A records), in answer order. */
    static List<String> resolve(int dnsPort) throws IOException {
        SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
        r.setPort(dnsPort);
        r.setTimeout(Duration.ofSeconds(2));
        Message answer = r.send(Message.newQuery(Record.newRecord(Name.fromString("switch." + ZONE), Type.A, DClass.IN)));
        List<String> out = new ArrayList<>();
        for (Record rec : answer.getSection(Section.ANSWER)) {
            out.add(((ARecord) rec).getAddress().getHostAddress());
        }
        return out;
    }

    /**
     * One client as an application would write one: resolves the front tier, connects to the first
     * address that answers, sets {@code w:i} to {@code i} for i = 1, 2, …; when its connection
     * breaks it resolves again and tries the addresses it did not just lose first, and sends the
     * write it had in flight again (SET is idempotent: it may or may not have been applied).
     */
    private static final class Writer implements AutoCloseable {
        final AtomicLong acked = new AtomicLong();
        final AtomicLong reconnects = new AtomicLong();
        final AtomicReference<String> connectedTo = new AtomicReference<>("");
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Writer(int dnsPort, int frontPort) {
            thread = Thread.ofVirtual().start(() -> run(dnsPort, frontPort));
        }

        private void run(int dnsPort, int frontPort) {
            long i = 1;
            String lost = "";
            long deadline = 0;
            while (running.get()) {
                RespConnection c = null;
                try {
                    List<String> addresses = new ArrayList<>(resolve(dnsPort));
                    if (addresses.remove(lost)) {
                        addresses.add(lost);
                    }
                    for (String a : addresses) {
                        try {
                            c = new RespConnection(new InetSocketAddress(a, frontPort));
                            connectedTo.set(a);
                            break;
                        } catch (IOException refused) {
                            // The next address.
                        }
                    }
                    if (c == null) {
                        throw new IOException("no switch of " + addresses + " answers");
                    }
                    while (running.get()) {
                        Reply r = c.call("SET", "w:" + i, Long.toString(i));
                        if (!r.equals(Reply.OK)) {
                            failures.add("write " + i + ": " + r);
                            return;
                        }
                        acked.set(i);
                        i++;
                    }
                } catch (IOException broken) {
                    lost = connectedTo.get();
                    reconnects.incrementAndGet();
                    if (deadline == 0) {
                        deadline = System.nanoTime() + 30_000_000_000L;
                    } else if (System.nanoTime() > deadline) {
                        failures.add("no switch took the writes for 30 s: " + broken);
                        return;
                    }
                } finally {
                    if (c != null) {
                        c.close();
                    }
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }

        @Override
        public void close() {
            running.set(false);
        }
    }
}
