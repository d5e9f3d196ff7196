package dev.caravan.switching.dns;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
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
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The authoritative answer to one DNS query: bytes in, bytes out, no sockets (the server owns
 * those). Practice followed (see ANCHORS.md):
 * <ul>
 *   <li>AA on every in-zone answer; RA never; RD copied (RFC 1035 4.1.1).</li>
 *   <li>Names outside the zone, other classes than IN/ANY, and zone transfers: REFUSED, whatever
 *       RD says — never an open resolver.</li>
 *   <li>NXDOMAIN and NODATA carry the zone's SOA in the authority section (RFC 2308); a name
 *       that only has names below it ({@code _tcp}) is NODATA (RFC 8020).</li>
 *   <li>EDNS0 (RFC 6891): the UDP limit is the client's advertised size, at least 512 and at
 *       most {@value #MAX_UDP_PAYLOAD} (DNS flag day 2020); without OPT it is 512. An OPT with
 *       version &gt; 0 gets BADVERS; two OPTs get FORMERR. Our OPT is echoed when the query had one.</li>
 *   <li>An answer over the limit first loses its additional section; if still too big it is
 *       sent as header + question with TC set, so the client retries over TCP (RFC 7766).</li>
 *   <li>Malformed input: shorter than a header, or a response (QR set) → nothing (dropped);
 *       anything else that does not parse (bad labels, compression loops, counts past the end)
 *       → FORMERR with the query's id. Opcodes other than QUERY → NOTIMP.</li>
 * </ul>
 *
 * <p>Names (relative to the zone, case-insensitive): the apex has SOA and NS ({@code ns.<zone>},
 * whose A/AAAA is the server's address when it is a specific one);
 * {@code <service>} has A/AAAA of the replica closest to the client ({@link Topology});
 * {@code _<service>._tcp} has SRV for every replica, closest first, priority = rank, weight 1,
 * target {@code <process>.<zone>} (its address in the additional section);
 * {@code <process>} has A/AAAA of that process. A service name shadows a process of the same name.
 * {@code switch} (the front tier) has A/AAAA of every live switch, with a TTL of at most
 * {@value #FRONT_TIER_TTL_SECONDS} s: a dead switch leaves the answer when its naming lease ends,
 * so an answer is at most lease + TTL stale; it shadows a service or process called {@code switch}.
 *
 * <p>Threading: thread-safe; each call reads the current {@link ZoneSnapshot} once.
 */
public final class DnsResponder {
    /** The largest UDP payload ever sent (DNS flag day 2020). */
    public static final int MAX_UDP_PAYLOAD = 1232;
    /** The UDP limit without EDNS0 (RFC 1035). */
    public static final int CLASSIC_UDP_PAYLOAD = 512;
    /** The limit of a TCP message (2-byte length prefix). */
    public static final int MAX_TCP_MESSAGE = 65535;
    static final int HEADER_BYTES = 12;
    private static final int BADVERS = 16;
    /** The longest TTL of the front tier's answer ({@code switch}): clients re-ask soon after a switch dies. */
    public static final long FRONT_TIER_TTL_SECONDS = 1;

    private final Supplier<ZoneSnapshot> zone;
    private final Topology topology;
    private final long ttlSeconds;
    private final InetAddress serverAddress;

    /**
     * @param zone          the current zone contents (read once per query; must be cheap)
     * @param topology      closeness of replicas to clients
     * @param ttlSeconds    TTL of every record and the SOA's negative-caching minimum
     * @param serverAddress the address {@code ns.<zone>} answers with, or null for none (a wildcard bind)
     */
    public DnsResponder(Supplier<ZoneSnapshot> zone, Topology topology, long ttlSeconds, InetAddress serverAddress) {
        this.zone = Objects.requireNonNull(zone, "zone");
        this.topology = Objects.requireNonNull(topology, "topology");
        if (ttlSeconds < 0 || ttlSeconds > 86_400) {
            throw new IllegalArgumentException("ttl " + ttlSeconds + " s outside 0..86400");
        }
        this.ttlSeconds = ttlSeconds;
        this.serverAddress = serverAddress == null || serverAddress.isAnyLocalAddress() ? null : serverAddress;
    }

    /**
     * Answers one query.
     *
     * @param query     the message bytes ({@code query[0..length)})
     * @param client    who asked (closeness is computed for this address)
     * @param tcp       whether it came over TCP (limit {@value #MAX_TCP_MESSAGE}) or UDP
     * @param truncate  answer header + question with TC whatever the size (rate-limit "slip")
     * @return the response bytes, or {@code null} when nothing must be sent
     */
    public byte[] respond(byte[] query, int length, InetAddress client, boolean tcp, boolean truncate) {
        if (length < HEADER_BYTES || (query[2] & 0x80) != 0) {
            return null;
        }
        Message request;
        try {
            request = new Message(java.util.Arrays.copyOf(query, length));
        } catch (IOException | RuntimeException malformed) {
            return formerr(query);
        }
        Header h = request.getHeader();
        Message response = new Message(h.getID());
        Header rh = response.getHeader();
        rh.setFlag(Flags.QR);
        rh.setOpcode(h.getOpcode());
        if (h.getFlag(Flags.RD)) {
            rh.setFlag(Flags.RD);
        }
        Record question = request.getQuestion();
        if (question != null) {
            response.addRecord(question, Section.QUESTION);
        }
        if (h.getOpcode() != Opcode.QUERY) {
            rh.setRcode(Rcode.NOTIMP);
            return response.toWire(CLASSIC_UDP_PAYLOAD);
        }
        // With TC set dnsjava keeps a message it could not finish parsing: the header may count a
        // question the message does not hold (found by fuzzing).
        if (h.getCount(Section.QUESTION) != 1 || request.getQuestion() == null || countOpts(request) > 1) {
            return formerr(query);
        }
        OPTRecord opt = request.getOPT();
        int limit = tcp ? MAX_TCP_MESSAGE
                : opt == null ? CLASSIC_UDP_PAYLOAD : Math.min(MAX_UDP_PAYLOAD, Math.max(CLASSIC_UDP_PAYLOAD, opt.getPayloadSize()));
        if (opt != null && opt.getVersion() > 0) {
            response.addRecord(new OPTRecord(MAX_UDP_PAYLOAD, BADVERS >>> 4, 0, 0), Section.ADDITIONAL);
            return response.toWire(limit);
        }
        answer(request.getQuestion(), response, client);
        if (opt != null) {
            response.addRecord(new OPTRecord(MAX_UDP_PAYLOAD, 0, 0, 0), Section.ADDITIONAL);
        }
        return fit(response, limit, truncate);
    }

    private void answer(Record question, Message response, InetAddress client) {
        ZoneSnapshot z = zone.get();
        Name qname = question.getName();
        int type = question.getType();
        int dclass = question.getDClass();
        Header rh = response.getHeader();
        if (!qname.subdomain(z.zone()) || (dclass != DClass.IN && dclass != DClass.ANY)
                || type == Type.AXFR || type == Type.IXFR) {
            rh.setRcode(Rcode.REFUSED);
            return;
        }
        rh.setFlag(Flags.AA);
        String rel = qname.equals(z.zone()) ? "" : qname.relativize(z.zone()).toString().toLowerCase(Locale.ROOT);
        List<Record> answers = new ArrayList<>();
        List<Record> additional = new ArrayList<>();
        boolean exists = true;
        boolean any = type == Type.ANY;
        if (rel.isEmpty()) {
            if (type == Type.SOA || any) {
                answers.add(soa(z));
            }
            if (type == Type.NS || any) {
                answers.add(new NSRecord(z.zone(), DClass.IN, ttlSeconds, nsName(z)));
                addresses(nsName(z), serverAddress, Type.ANY, additional);
            }
        } else if (rel.equals("ns")) {
            addresses(qname, serverAddress, type, answers);
        } else if (rel.equals(ZoneSnapshot.FRONT_TIER_NAME) && !z.switches().isEmpty()) {
            long ttl = Math.min(ttlSeconds, FRONT_TIER_TTL_SECONDS);
            for (InetAddress a : z.switches()) {
                if (a instanceof Inet4Address v4 && (type == Type.A || any)) {
                    answers.add(new ARecord(qname, DClass.IN, ttl, v4));
                } else if (a instanceof Inet6Address v6 && (type == Type.AAAA || any)) {
                    answers.add(new AAAARecord(qname, DClass.IN, ttl, v6));
                }
            }
        } else if (rel.startsWith("_") && rel.endsWith("._tcp") && z.services().containsKey(rel.substring(1, rel.length() - 5))) {
            if (type == Type.SRV || any) {
                List<Replica> ordered = topology.order(client, z.services().get(rel.substring(1, rel.length() - 5)));
                for (Replica r : ordered) {
                    Name target = name(r.process(), z);
                    answers.add(new SRVRecord(qname, DClass.IN, ttlSeconds, topology.rank(client, r), 1, r.port(), target));
                    addresses(target, r.address(), Type.ANY, additional);
                }
            }
        } else if (z.services().containsKey(rel)) {
            List<Replica> ordered = topology.order(client, z.services().get(rel));
            closest(qname, ordered, Type.A, type, answers);
            closest(qname, ordered, Type.AAAA, type, answers);
        } else if (z.processes().containsKey(rel)) {
            addresses(qname, z.processes().get(rel).address(), type, answers);
        } else {
            exists = z.emptyNonTerminals().contains(rel);
        }
        if (answers.isEmpty()) {
            rh.setRcode(exists ? Rcode.NOERROR : Rcode.NXDOMAIN);
            response.addRecord(soa(z), Section.AUTHORITY);
            return;
        }
        answers.forEach(r -> response.addRecord(r, Section.ANSWER));
        additional.forEach(r -> response.addRecord(r, Section.ADDITIONAL));
    }

    /** The closest replica's address of one family, when {@code qtype} asks for it. */
    private void closest(Name owner, List<Replica> ordered, int family, int qtype, List<Record> out) {
        if (qtype != family && qtype != Type.ANY) {
            return;
        }
        for (Replica r : ordered) {
            if (family == Type.A ? r.address() instanceof Inet4Address : r.address() instanceof Inet6Address) {
                addresses(owner, r.address(), family, out);
                return;
            }
        }
    }

    /** The A or AAAA record for {@code address} when {@code qtype} asks for its family (or ANY). */
    private void addresses(Name owner, InetAddress address, int qtype, List<Record> out) {
        if (address instanceof Inet4Address v4 && (qtype == Type.A || qtype == Type.ANY)) {
            out.add(new ARecord(owner, DClass.IN, ttlSeconds, v4));
        } else if (address instanceof Inet6Address v6 && (qtype == Type.AAAA || qtype == Type.ANY)) {
            out.add(new AAAARecord(owner, DClass.IN, ttlSeconds, v6));
        }
    }

    private SOARecord soa(ZoneSnapshot z) {
        return new SOARecord(z.zone(), DClass.IN, ttlSeconds, nsName(z), name("hostmaster", z),
                z.serial() & 0xFFFFFFFFL, 3600, 600, 86_400, ttlSeconds);
    }

    private static Name nsName(ZoneSnapshot z) {
        return name("ns", z);
    }

    private static Name name(String relative, ZoneSnapshot z) {
        try {
            return Name.fromString(relative, z.zone());
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalStateException("snapshot holds an invalid name " + relative, e);
        }
    }

    /** The response within {@code limit}: whole, without its additional section, or truncated. */
    private static byte[] fit(Message response, int limit, boolean truncate) {
        if (!truncate) {
            byte[] whole = response.toWire();
            if (whole.length <= limit) {
                return whole;
            }
            OPTRecord opt = response.getOPT();
            response.removeAllRecords(Section.ADDITIONAL);
            if (opt != null) {
                response.addRecord(opt, Section.ADDITIONAL);
            }
            byte[] lean = response.toWire();
            if (lean.length <= limit) {
                return lean;
            }
        }
        OPTRecord opt = response.getOPT();
        response.removeAllRecords(Section.ANSWER);
        response.removeAllRecords(Section.AUTHORITY);
        response.removeAllRecords(Section.ADDITIONAL);
        if (opt != null) {
            response.addRecord(opt, Section.ADDITIONAL);
        }
        response.getHeader().setFlag(Flags.TC);
        return response.toWire();
    }

    private static int countOpts(Message m) {
        int n = 0;
        for (Record r : m.getSection(Section.ADDITIONAL)) {
            if (r.getType() == Type.OPT) {
                n++;
            }
        }
        return n;
    }

    /** FORMERR built from the raw header: id and opcode copied, RD copied, no sections. */
    static byte[] formerr(byte[] query) {
        byte[] out = new byte[HEADER_BYTES];
        out[0] = query[0];
        out[1] = query[1];
        out[2] = (byte) (0x80 | (query[2] & 0x79));
        out[3] = (byte) Rcode.FORMERR;
        return out;
    }
}
