package dev.caravan.fuzz;

import dev.caravan.mobility.continuation.ContinuationFormat;
import dev.caravan.mobility.continuation.DeclaredCodecs;
import dev.caravan.mobility.continuation.ValueCodec;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingRequestFuzz;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.Frame;
import dev.caravan.wire.FrameWriter;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.CheckpointFormat;
import dev.caravan.wire.node.MigrationMessages;
import dev.caravan.wire.node.ProcessSpec;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Well-formed inputs for each {@link PortFuzzTargets} target, written with the production
 * writers, so mutation starts from deep inside each format. The Jazzer test's checked-in corpus
 * ({@code src/test/resources}) holds the same inputs with their selector byte. Maps have one
 * entry each: {@code Map.of}'s order changes from JVM to JVM and the corpus must not.
 */
public final class FuzzSeeds {
    private FuzzSeeds() {
    }

    static ProcessSpec spec() {
        return new ProcessSpec("kv-1", "kv", "", "", 1 << 20, Map.of("security.slice", "a"));
    }

    static List<byte[]> hello() {
        return List.of(frame(new Hello("node-1", "token").toFrame(1)), frame(new Hello("", "").toFrame(0)));
    }

    static List<byte[]> nodeMessages() {
        BodyWriter spec = new BodyWriter();
        spec().writeTo(spec);
        byte[] commit = new MigrationMessages.Commit("kv-1", 1, new byte[] {1, 2, 3}, new long[] {5L},
                "127.0.0.1:7000", List.of()).encode();
        byte[] begin = new MigrationMessages.Begin(spec(), "id-1", 7, "", "n1", "",
                MigrationMessages.Allocation.values()[0], new long[] {1L, 2L}, java.util.OptionalInt.of(1)).encode();
        return List.of(
                NodeMessageTargets.select(0, spec.toBytes()),
                NodeMessageTargets.select(4, begin),
                NodeMessageTargets.select(6, commit),
                NodeMessageTargets.select(10, MigrationMessages.nameOnly("kv-1")));
    }

    static List<byte[]> naming() {
        BodyWriter entry = new BodyWriter().i64(1);
        new NamingEntry("process/kv-1", "n1", "127.0.0.1", 6400, 3, Map.of("label.service", "kv")).writeTo(entry);
        return List.of(
                NamingRequestFuzz.input(Op.NAMING_OPEN_LEASE, new BodyWriter().string("node-1").i64(5_000).toBytes()),
                NamingRequestFuzz.input(Op.NAMING_REGISTER, entry.toBytes()),
                NamingRequestFuzz.input(Op.NAMING_UNREGISTER, new BodyWriter().i64(1).string("process/kv-1").i64(3).toBytes()),
                NamingRequestFuzz.input(Op.NAMING_LOOKUP, new BodyWriter().string("process/kv-1").toBytes()),
                NamingRequestFuzz.input(Op.NAMING_LIST, new BodyWriter().string("process/").toBytes()));
    }

    static List<byte[]> checkpoint() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CheckpointFormat.Writer w = new CheckpointFormat.Writer(out,
                new CheckpointFormat.Header(spec(), "id-1", 3, 4096, java.util.OptionalInt.of(1)))) {
            w.page(0, new byte[4096]);
            w.recentReplies(List.of());
            w.state(1, new byte[] {9, 8, 7});
            w.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of(out.toByteArray());
    }

    static List<byte[]> continuation() {
        ValueCodec values = new ValueCodec(new DeclaredCodecs(), FuzzSeeds.class.getClassLoader(), new Object());
        BodyWriter w = new BodyWriter();
        ContinuationFormat.write(new ContinuationFormat.Image("", 1, 7, null,
                Map.of("count", 3L), null), values, w);
        return List.of(w.toBytes());
    }

    static List<byte[]> http() {
        return List.of(
                ascii("GET /a?b=c HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"),
                ascii("POST /set HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.0\r\n\r\n"),
                ascii("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
    }

    static List<byte[]> dns() {
        try {
            return List.of(query("web.caravan.internal.", Type.A), query("_web._tcp.caravan.internal.", Type.SRV));
        } catch (TextParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A query with a fixed id (dnsjava picks a random one). */
    private static byte[] query(String name, int type) throws TextParseException {
        Message m = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        m.getHeader().setID(0x1234);
        return m.toWire();
    }

    static List<byte[]> observeQuery() {
        return List.of(ascii("since=5&limit=10"), ascii("kind=migration%20done&follow=1"));
    }

    static byte[] frame(Frame f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new FrameWriter(out).write(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
