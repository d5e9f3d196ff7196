package dev.caravan.switching.dns;

import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DnsResponderTest {
    private static final Name ZONE = DnsServerConfig.parseZone("caravan.internal");
    private static final String TOPOLOGY = """
            zone eu n1
            zone us n2
            127.0.0.2/32  n1 n2
            127.0.0.3/32  n2 n1
            10.0.0.0/8    zone:us zone:eu
            """;

    private LocalNamingService naming;
    private long lease;
    private ZoneWatcher watcher;
    private DnsResponder responder;

    @BeforeEach
    void start() {
        naming = new LocalNamingService();
        lease = naming.openLease("test", 60_000).id();
        register("web-1", "n1", "127.0.0.11", 8081, "web", 1);
        register("web-2", "n2", "127.0.0.12", 8082, "web", 1);
        register("kv1", "n1", "127.0.0.21", 6400, null, 1);
        watcher = ZoneWatcher.start(naming, ZONE, 60_000);
        responder = new DnsResponder(watcher::current, Topology.parse(TOPOLOGY, "test"), 5,
                InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() {
        watcher.close();
        naming.close();
    }

    private void register(String process, String node, String host, int port, String service, long epoch) {
        Map<String, String> attributes = new HashMap<>();
        if (service != null) {
            attributes.put("label.service", service);
        }
        naming.register(lease, new NamingEntry("process/" + process, node, host, port, epoch, attributes));
    }

    static byte[] query(String name, int type, OPTRecord opt) throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        if (opt != null) {
            q.addRecord(opt, Section.ADDITIONAL);
        }
        return q.toWire();
    }

    private Message ask(String name, int type, String client) throws IOException {
        return ask(query(name, type, null), client, false);
    }

    private Message ask(byte[] query, String client, boolean tcp) throws IOException {
        byte[] out = responder.respond(query, query.length, InetAddress.getByName(client), tcp, false);
        assertThat(out).isNotNull();
        return new Message(out);
    }

    /** Found by fuzzing (caravan-fuzz): TC set and a question cut short left the question null → NPE. */
    @Test
    void shouldAnswerFormerrToATruncatedQueryWhoseQuestionDoesNotParse() throws IOException {
        byte[] query = java.util.HexFormat.of().parseHex("7d32030000010000040000045f776566045f744d0d076361726176616e08"
                + "696e740000040000045f776566045f744d0d076361726176616e08696e7465726e616c0000210001");

        Message m = ask(query, "127.0.0.2", false);

        assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(m.getHeader().getID()).isEqualTo(0x7d32);
    }

    @Test
    void shouldAnswerAServiceWithTheReplicaClosestToEachClient() throws IOException {
        Message fromTwo = ask("web.caravan.internal.", Type.A, "127.0.0.2");
        Message fromThree = ask("WEB.Caravan.Internal.", Type.A, "127.0.0.3");
        Message fromTen = ask("web.caravan.internal.", Type.A, "10.9.8.7");

        assertThat(fromTwo.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(fromTwo.getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("127.0.0.11"))
                .satisfies(r -> assertThat(r.getTTL()).isEqualTo(5));
        assertThat(((ARecord) fromThree.getSection(Section.ANSWER).getFirst()).getAddress().getHostAddress()).isEqualTo("127.0.0.12");
        assertThat(((ARecord) fromTen.getSection(Section.ANSWER).getFirst()).getAddress().getHostAddress())
                .as("zone:us first for 10/8").isEqualTo("127.0.0.12");
        assertThat(fromTwo.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(fromTwo.getHeader().getFlag(Flags.RA)).isFalse();
    }

    @Test
    void shouldListSrvTargetsClosestFirstWithTheirAddresses() throws IOException {
        Message m = ask("_web._tcp.caravan.internal.", Type.SRV, "127.0.0.3");

        List<Record> answers = m.getSection(Section.ANSWER);
        assertThat(answers).hasSize(2);
        SRVRecord first = (SRVRecord) answers.get(0);
        SRVRecord second = (SRVRecord) answers.get(1);
        assertThat(first.getTarget().toString()).isEqualTo("web-2.caravan.internal.");
        assertThat(first.getPort()).isEqualTo(8082);
        assertThat(first.getPriority()).isZero();
        assertThat(second.getTarget().toString()).isEqualTo("web-1.caravan.internal.");
        assertThat(second.getPriority()).isEqualTo(1);
        assertThat(m.getSection(Section.ADDITIONAL)).extracting(r -> r.getName().toString())
                .containsExactlyInAnyOrder("web-2.caravan.internal.", "web-1.caravan.internal.");
    }

    @Test
    void shouldAnswerASingleProcessAndTheApex() throws IOException {
        Message kv = ask("kv1.caravan.internal.", Type.A, "127.0.0.2");
        Message soa = ask("caravan.internal.", Type.SOA, "127.0.0.2");
        Message ns = ask("caravan.internal.", Type.NS, "127.0.0.2");

        assertThat(((ARecord) kv.getSection(Section.ANSWER).getFirst()).getAddress().getHostAddress()).isEqualTo("127.0.0.21");
        assertThat(soa.getSection(Section.ANSWER)).singleElement().isInstanceOf(SOARecord.class);
        assertThat(ns.getSection(Section.ANSWER)).singleElement().satisfies(r -> assertThat(r.getType()).isEqualTo(Type.NS));
        assertThat(ns.getSection(Section.ADDITIONAL)).extracting(r -> r.getName().toString()).contains("ns.caravan.internal.");
    }

    @Test
    void shouldAnswerNxdomainAndNodataWithTheSoaInAuthority() throws IOException {
        Message nx = ask("nothing.caravan.internal.", Type.A, "127.0.0.2");
        Message nodata = ask("web.caravan.internal.", Type.TXT, "127.0.0.2");
        Message v6 = ask("web.caravan.internal.", Type.AAAA, "127.0.0.2");
        Message ent = ask("_tcp.caravan.internal.", Type.A, "127.0.0.2");
        Message below = ask("x.web.caravan.internal.", Type.A, "127.0.0.2");

        assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(below.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        for (Message m : List.of(nx, nodata, v6, ent, below)) {
            assertThat(m.getSection(Section.ANSWER)).isEmpty();
            assertThat(m.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
            assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        }
        for (Message m : List.of(nodata, v6, ent)) {
            assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        }
        assertThat(((SOARecord) nx.getSection(Section.AUTHORITY).getFirst()).getMinimum()).isEqualTo(5);
    }

    @Test
    void shouldRefuseNamesOutsideTheZoneWithOrWithoutRecursion() throws IOException {
        Message rd = ask("example.com.", Type.A, "127.0.0.2");
        Message q = Message.newQuery(Record.newRecord(Name.fromString("example.com."), Type.A, DClass.IN));
        q.getHeader().unsetFlag(Flags.RD);
        Message norec = ask(q.toWire(), "127.0.0.2", false);
        Message chaos = ask(Message.newQuery(Record.newRecord(Name.fromString("version.bind."), Type.TXT, DClass.CH)).toWire(),
                "127.0.0.2", false);
        Message axfr = ask("caravan.internal.", Type.AXFR, "127.0.0.2");

        for (Message m : List.of(rd, norec, chaos, axfr)) {
            assertThat(m.getRcode()).isEqualTo(Rcode.REFUSED);
            assertThat(m.getSection(Section.ANSWER)).isEmpty();
            assertThat(m.getHeader().getFlag(Flags.RA)).isFalse();
            assertThat(m.getHeader().getFlag(Flags.AA)).isFalse();
        }
        assertThat(rd.getHeader().getFlag(Flags.RD)).as("RD copied").isTrue();
    }

    @Test
    void shouldAnswerBadversToEdnsVersionOne() throws IOException {
        Message m = ask(query("web.caravan.internal.", Type.A, new OPTRecord(1232, 0, 1, 0)), "127.0.0.2", false);

        assertThat(m.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        assertThat(m.getOPT()).isNotNull();
        assertThat(m.getOPT().getVersion()).isZero();
    }

    @Test
    void shouldTruncateAnswersOverTheClientsUdpSizeAndSendThemWholeOverTcp() throws IOException {
        for (int i = 0; i < 60; i++) {
            register("big-" + i, "n" + (i % 3), "127.0.1." + i, 9000 + i, "big", 1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> watcher.current().services().getOrDefault("big", List.of()).size() == 60);

        byte[] plain = query("_big._tcp.caravan.internal.", Type.SRV, null);
        byte[] edns4096 = query("_big._tcp.caravan.internal.", Type.SRV, new OPTRecord(4096, 0, 0, 0));
        byte[] classic = responder.respond(plain, plain.length, InetAddress.getByName("127.0.0.2"), false, false);
        byte[] capped = responder.respond(edns4096, edns4096.length, InetAddress.getByName("127.0.0.2"), false, false);
        Message overTcp = ask(plain, "127.0.0.2", true);

        assertThat(classic.length).isLessThanOrEqualTo(512);
        assertThat(capped.length).isLessThanOrEqualTo(1232);
        for (byte[] b : List.of(classic, capped)) {
            Message m = new Message(b);
            assertThat(m.getHeader().getFlag(Flags.TC)).isTrue();
            assertThat(m.getSection(Section.ANSWER)).isEmpty();
            assertThat(m.getQuestion().getName().toString()).isEqualTo("_big._tcp.caravan.internal.");
        }
        assertThat(new Message(capped).getOPT()).as("OPT kept when truncated").isNotNull();
        assertThat(overTcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(overTcp.getSection(Section.ANSWER)).hasSize(60);
    }

    @Test
    void shouldDropTheAdditionalSectionBeforeTruncating() throws IOException {
        for (int i = 0; i < 8; i++) {
            register("mid-" + i, "n1", "127.0.2." + i, 9100 + i, "mid", 1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> watcher.current().services().getOrDefault("mid", List.of()).size() == 8);

        Message m = ask(query("_mid._tcp.caravan.internal.", Type.SRV, null), "127.0.0.2", false);

        assertThat(m.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(m.getSection(Section.ANSWER)).hasSize(8);
        assertThat(m.getSection(Section.ADDITIONAL)).isEmpty();
    }

    @Test
    void shouldFollowAReplicaThatMoves() throws IOException {
        register("web-1", "n2", "127.0.0.13", 8081, "web", 2);

        await().atMost(Duration.ofSeconds(5)).until(() -> "127.0.0.13".equals(
                watcher.current().processes().get("web-1").address().getHostAddress()));
        Message m = ask("web-1.caravan.internal.", Type.A, "127.0.0.2");

        assertThat(((ARecord) m.getSection(Section.ANSWER).getFirst()).getAddress().getHostAddress()).isEqualTo("127.0.0.13");
    }

    @Test
    void shouldDropPacketsShorterThanAHeaderAndResponses() throws IOException {
        byte[] response = responder.respond(query("web.caravan.internal.", Type.A, null), 60,
                InetAddress.getLoopbackAddress(), false, false);
        assertThat(response).isNotNull();

        assertThat(responder.respond(new byte[]{1, 2, 3, 4, 5}, 5, InetAddress.getLoopbackAddress(), false, false)).isNull();
        assertThat(responder.respond(response, response.length, InetAddress.getLoopbackAddress(), false, false))
                .as("a response (QR set) is never answered").isNull();
    }

    @Test
    void shouldAnswerFormerrToMalformedQueries() throws IOException {
        byte[] missingQuestion = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
        byte[] loop = {0x12, 0x35, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1};
        byte[] forward = {0x12, 0x36, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 14, 0, 1, 0, 1, 0};
        byte[] labelPastEnd = {0x12, 0x37, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 40, 'a', 'b'};
        Message two = Message.newQuery(Record.newRecord(Name.fromString("web.caravan.internal."), Type.A, DClass.IN));
        two.addRecord(Record.newRecord(Name.fromString("kv1.caravan.internal."), Type.A, DClass.IN), Section.QUESTION);

        for (byte[] bad : List.of(missingQuestion, loop, forward, labelPastEnd, two.toWire())) {
            byte[] out = responder.respond(bad, bad.length, InetAddress.getLoopbackAddress(), false, false);
            assertThat(out).isNotNull();
            Message m = new Message(out);
            assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
            assertThat(m.getHeader().getID()).isEqualTo(((bad[0] & 0xFF) << 8) | (bad[1] & 0xFF));
            assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
        }
        assertThat(ask("web.caravan.internal.", Type.A, "127.0.0.2").getRcode()).as("still serving").isEqualTo(Rcode.NOERROR);
    }

    @Test
    void shouldAnswerNotimpToOtherOpcodes() throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("web.caravan.internal."), Type.A, DClass.IN));
        q.getHeader().setOpcode(Opcode.NOTIFY);

        Message m = ask(q.toWire(), "127.0.0.2", false);

        assertThat(m.getRcode()).isEqualTo(Rcode.NOTIMP);
        assertThat(m.getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
    }
}
