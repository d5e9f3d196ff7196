package dev.caravan.fuzz;

import dev.caravan.mobility.continuation.ContinuationFormat;
import dev.caravan.mobility.continuation.DeclaredCodecs;
import dev.caravan.mobility.continuation.ValueCodec;
import dev.caravan.naming.NamingRequestFuzz;
import dev.caravan.observe.ObserveServer;
import dev.caravan.servers.http.HttpCodec;
import dev.caravan.switching.dns.DnsResponder;
import dev.caravan.switching.dns.DnsServerConfig;
import dev.caravan.switching.dns.Topology;
import dev.caravan.switching.dns.ZoneSnapshot;
import dev.caravan.switching.http.HttpLimits;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.Frame;
import dev.caravan.wire.FrameReader;
import dev.caravan.wire.fuzz.DecoderFuzzer;
import dev.caravan.wire.fuzz.FuzzTargets;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.CheckpointFormat;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Every parser behind a Caravan port as a fuzz target, by name, with the port it guards and its
 * seed inputs ({@link FuzzSeeds}). Each target feeds one input to the parser as that port would
 * and returns normally when the parser answered or refused it with its documented typed error
 * ({@link CaravanException}, {@link EOFException} for a stream cut short, {@code null} from the
 * DNS responder, a failed Netty decoder result, {@link ObserveServer.BadRequest}); anything else
 * escapes and is a finding. {@link AllocationGuard} adds a finding for an input that allocates
 * more than {@link AllocationGuard#MAX_BYTES_PER_INPUT}: limits must be checked before allocating.
 *
 * <p>Threading: one thread at a time (tls-identity writes one scratch directory).
 */
public final class PortFuzzTargets {
    private static final DnsResponder DNS = new DnsResponder(
            () -> ZoneSnapshot.empty(DnsServerConfig.parseZone("caravan.internal")), Topology.NONE, 5,
            InetAddress.getLoopbackAddress());
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

    /** One target: its name (the bench's and the report's), the port whose parser it drives, seeds. */
    public record PortTarget(String name, String port, DecoderFuzzer.Target target, List<byte[]> seeds) {
    }

    private PortFuzzTargets() {
    }

    /** All targets, in a fixed order (the Jazzer test's selector byte indexes it). */
    public static List<PortTarget> all() {
        return List.of(
                new PortTarget("frames", "every binary port", FuzzTargets::frames, DecoderFuzzer.frameSeeds()),
                new PortTarget("frame-bodies", "every binary port", FuzzTargets::bodies, DecoderFuzzer.bodySeeds()),
                new PortTarget("hello", "every binary port", PortFuzzTargets::hello, FuzzSeeds.hello()),
                new PortTarget("node-messages", "node control, migration", NodeMessageTargets::bodies, FuzzSeeds.nodeMessages()),
                new PortTarget("naming-requests", "naming", NamingRequestFuzz::requests, FuzzSeeds.naming()),
                new PortTarget("checkpoint", "checkpoint files, restore", PortFuzzTargets::checkpoint, FuzzSeeds.checkpoint()),
                new PortTarget("continuation", "migration of loop processes", PortFuzzTargets::continuation,
                        FuzzSeeds.continuation()),
                new PortTarget("resp-requests", "process data endpoint, switch RESP", FuzzTargets::respRequests,
                        DecoderFuzzer.respRequestSeeds()),
                new PortTarget("resp-replies", "switch RESP backend links, clients", FuzzTargets::respReplies,
                        DecoderFuzzer.respReplySeeds()),
                new PortTarget("http-endpoint", "process HTTP data endpoint", PortFuzzTargets::httpEndpoint, FuzzSeeds.http()),
                new PortTarget("switch-http", "switch HTTP front end", PortFuzzTargets::switchHttp, FuzzSeeds.http()),
                new PortTarget("switch-dns", "switch DNS (UDP and TCP)", PortFuzzTargets::dns, FuzzSeeds.dns()),
                new PortTarget("observe-query", "admin/metrics HTTP", PortFuzzTargets::observeQuery, FuzzSeeds.observeQuery()),
                new PortTarget("tls-identity", "TLS identity files (every port with --tls)", IdentityFilesTarget::load,
                        IdentityFilesTarget.seeds()),
                new PortTarget("signed-code", "bundle signatures (push, pull, migration), key files, trust directory",
                        SigningFilesTarget::parse, SigningFilesTarget.seeds()));
    }

    /** The target called {@code name}. @throws IllegalArgumentException for an unknown name */
    public static PortTarget named(String name) {
        return all().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fuzz target " + name));
    }

    /** The first frame on a binary port: framing, then the HELLO body. */
    static void hello(byte[] input) throws IOException {
        try {
            Frame f = new FrameReader(new ByteArrayInputStream(input), 1 << 20).read();
            if (f != null) {
                Hello.from(f).admits("token");
            }
        } catch (CaravanException | EOFException expected) {
            // a typed refusal
        }
    }

    /** A checkpoint file as {@code caravan restore} reads it. */
    static void checkpoint(byte[] input) throws IOException {
        try {
            CheckpointFormat.read(new ByteArrayInputStream(input), new CheckpointFormat.Visitor() {
                @Override
                public void onHeader(CheckpointFormat.Header header) {
                }

                @Override
                public void onPage(long page, byte[] content) {
                }

                @Override
                public void onState(int version, byte[] state) {
                }
            });
        } catch (CaravanException | EOFException expected) {
            // a typed refusal
        }
    }

    /** A loop process's continuation image, as a migration's destination reads it. */
    static void continuation(byte[] input) {
        ValueCodec values = new ValueCodec(new DeclaredCodecs(), PortFuzzTargets.class.getClassLoader(), new Object());
        try {
            ContinuationFormat.read(new BodyReader(input), values);
        } catch (CaravanException expected) {
            // a typed refusal
        }
    }

    /** Requests on a process's HTTP data endpoint, decoded as the endpoint does (pipelined). */
    static void httpEndpoint(byte[] input) {
        HttpCodec codec = new HttpCodec(8 * 1024, 64 * 1024);
        ByteBuffer in = ByteBuffer.wrap(input);
        try {
            while (in.hasRemaining() && codec.decode(in) != null) {
                // next pipelined request
            }
        } catch (CaravanException expected) {
            // a typed refusal
        }
    }

    /**
     * Requests on the switch's HTTP front end, through the same Netty codec and limits; a bad
     * request is reported by Netty as a failed decoder result, never thrown.
     */
    static void switchHttp(byte[] input) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(HttpLimits.MAX_INITIAL_LINE_BYTES,
                HttpLimits.MAX_HEADER_BYTES, HttpLimits.MAX_CHUNK_BYTES));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(input));
            ch.checkException();
            Object m;
            while ((m = ch.readInbound()) != null) {
                ReferenceCountUtil.release(m);
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** One DNS query over UDP and over TCP: an answer, FORMERR or nothing — never an exception. */
    static void dns(byte[] input) {
        DNS.respond(input, input.length, CLIENT, false, false);
        DNS.respond(input, input.length, CLIENT, true, false);
        DNS.respond(input, input.length, CLIENT, false, true);
    }

    /** The query string of an admin/metrics request (/events?since=..., /logs?...). */
    static void observeQuery(byte[] input) {
        URI uri;
        try {
            uri = new URI("/events?" + new String(input, StandardCharsets.ISO_8859_1));
        } catch (URISyntaxException notARequest) {
            return; // the JDK's HTTP server refuses such a request line before a handler sees it
        }
        try {
            ObserveServer.query(uri);
        } catch (ObserveServer.BadRequest expected) {
            // answered 400
        }
    }
}
