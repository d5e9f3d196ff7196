package dev.caravan.switching.dns;

import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code switch.<zone>}: the addresses of every live switch, following naming's {@code switch/<id>} entries. */
class FrontTierDnsTest {
    private final LocalNamingService naming = new LocalNamingService();
    private final ZoneWatcher watcher = ZoneWatcher.start(naming, DnsServerConfig.parseZone("caravan.internal"), 60_000);
    private final DnsResponder responder = new DnsResponder(watcher::current, Topology.parse("", "test"), 5,
            InetAddress.getLoopbackAddress());

    @AfterEach
    void stop() {
        watcher.close();
        naming.close();
    }

    private long switchUp(String id, String host) {
        long lease = naming.openLease("switch/" + id, 60_000).id();
        naming.register(lease, new NamingEntry("switch/" + id, "", host, 9000, 1, Map.of("role", "switch")));
        return lease;
    }

    private Message ask(String name, int type) throws IOException {
        byte[] q = DnsResponderTest.query(name, type, null);
        return new Message(responder.respond(q, q.length, InetAddress.getLoopbackAddress(), false, false));
    }

    private List<String> addresses() throws IOException {
        return ask("switch.caravan.internal.", Type.A).getSection(Section.ANSWER).stream()
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).toList();
    }

    @Test
    void shouldAnswerWithEveryLiveSwitchAndDropADeadOneWhenItsLeaseEnds() throws IOException {
        long s1 = switchUp("s1", "127.0.0.1");
        switchUp("s2", "127.0.0.2");
        switchUp("any", "0.0.0.0");

        await().atMost(Duration.ofSeconds(5)).until(() -> addresses().size() == 2);
        Message m = ask("switch.caravan.internal.", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(addresses()).as("a wildcard bind is no address to give").containsExactly("127.0.0.1", "127.0.0.2");
        assertThat(m.getSection(Section.ANSWER)).extracting(Record::getTTL).containsOnly(DnsResponder.FRONT_TIER_TTL_SECONDS);

        naming.closeLease(s1);

        await().atMost(Duration.ofSeconds(5)).until(() -> addresses().equals(List.of("127.0.0.2")));
    }

    @Test
    void shouldAnswerNxdomainWhenNoSwitchIsLive() throws IOException {
        assertThat(ask("switch.caravan.internal.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        switchUp("s1", "127.0.0.1");
        await().atMost(Duration.ofSeconds(5)).until(() -> addresses().equals(List.of("127.0.0.1")));
        assertThat(ask("switch.caravan.internal.", Type.AAAA).getSection(Section.ANSWER)).as("NODATA for another family").isEmpty();
        assertThat(ask("switch.caravan.internal.", Type.AAAA).getRcode()).isEqualTo(Rcode.NOERROR);
    }
}
