package dev.caravan.wire.resp;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.OffHeapBytes;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Off-heap arguments and replies through the stream codecs, and the limits on one command. */
class BigValueCodecTest {
    private static final int BIG = 3 * (1 << 20) + 17;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static RespReader reader(byte[] input, RespLimits limits) {
        return new RespReader(new RespReaderTest.TrickleInputStream(input, 7000), limits);
    }

    private static void assertRefused(byte[] input, RespLimits limits, boolean authRequired, String message) {
        RespReader r = reader(input, limits);
        r.authRequired(authRequired);
        assertThatThrownBy(r::read)
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE))
                .hasMessageStartingWith(message);
    }

    @Test
    void shouldKeepArgumentsOverTheThresholdOffHeapAndRefuseHeapAccessToThem() throws IOException {
        byte[] value = randomBytes(BIG, 1);
        byte[] input = concat(ascii("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + BIG + "\r\n"), value, ascii("\r\n*1\r\n$4\r\nPING\r\n"));
        RespReader r = reader(input, RespLimits.DEFAULTS);

        Command c = r.read();

        assertThat(c.name()).isEqualTo("SET");
        assertThat(c.isOffHeap(1)).isFalse();
        assertThat(c.isOffHeap(2)).isTrue();
        assertThat(c.length(2)).isEqualTo(BIG);
        assertThat(c.payloadBytes()).isEqualTo(3 + 1 + BIG);
        assertThat(c.offHeap(2).contentEquals(value)).isTrue();
        assertThatThrownBy(() -> c.arg(2)).isInstanceOfSatisfying(CaravanException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE)).hasMessageContaining("off-heap");
        assertThatThrownBy(c::args).isInstanceOf(CaravanException.class);
        assertThat(r.read()).isEqualTo(Command.of("PING"));

        OffHeapBytes held = c.offHeap(2);
        c.retain();
        c.release();
        assertThat(held.isLive()).isTrue();
        c.release();
        assertThat(held.isLive()).isFalse();
        assertThatThrownBy(() -> held.contentEquals(value)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldReleaseAPartlyReadValueWhenTheStreamEndsInsideIt() {
        long before = OffHeapBytes.liveValues();
        byte[] input = concat(ascii("*3\r\n$3\r\nSET\r\n$300000000\r\n"), new byte[5 << 20]);

        assertThatThrownBy(() -> reader(input, RespLimits.DEFAULTS).read()).isInstanceOf(EOFException.class);

        assertThat(OffHeapBytes.liveValues()).isEqualTo(before);
    }

    @Test
    void shouldStreamOffHeapArgumentsThroughTheCommandWriter() throws IOException {
        byte[] value = randomBytes(BIG, 2);
        OffHeapBytes off = OffHeapBytes.copyOf(value);
        Command c = new Command(new byte[][] {ascii("APPEND"), ascii("key"), null}, new OffHeapBytes[] {null, null, off});
        CountingStream out = new CountingStream();

        RespCommandWriter w = new RespCommandWriter(out);
        w.write(c);
        w.flush();

        assertThat(out.largestWrite).as("no write as large as the value: it went in pieces").isLessThan(BIG);
        Command back = new RespReader(new ByteArrayInputStream(out.bytes.toByteArray()), RespLimits.DEFAULTS).read();
        assertThat(back.offHeap(2).contentEquals(value)).isTrue();
        assertThat(back.text(1)).isEqualTo("key");
        back.release();
        c.release();
        assertThat(off.isLive()).isFalse();
    }

    @Test
    void shouldReadBigRepliesOffHeapOnlyWhenAsked() throws IOException {
        byte[] value = randomBytes(BIG, 3);
        byte[] input = concat(ascii("*2\r\n$" + BIG + "\r\n"), value, ascii("\r\n:1\r\n"));

        Reply onHeap = new RespReplyReader(new ByteArrayInputStream(input)).read();
        Reply offHeap = new RespReplyReader(new ByteArrayInputStream(input), RespLimits.DEFAULTS).read();

        assertThat(((Reply.Bulk) ((Reply.Array) onHeap).items().get(0)).value()).isEqualTo(value);
        Reply.OffHeapBulk big = (Reply.OffHeapBulk) ((Reply.Array) offHeap).items().get(0);
        assertThat(big.value().contentEquals(value)).isTrue();
        assertThat(RespWriter.encode(offHeap)).as("written as the same bytes as a heap bulk").isEqualTo(input);
        Reply.release(offHeap);
        assertThat(big.value().isLive()).isFalse();
    }

    @Test
    void shouldHandOffHeapRepliesToASinkByReference() throws IOException {
        OffHeapBytes value = OffHeapBytes.copyOf(randomBytes(BIG, 4));
        List<OffHeapBytes> taken = new ArrayList<>();
        ByteArrayOutputStream heap = new ByteArrayOutputStream();
        class Sink extends OutputStream implements OffHeapSink {
            @Override
            public void write(int b) {
                heap.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                heap.write(b, off, len);
            }

            @Override
            public void writeOffHeap(OffHeapBytes v) {
                taken.add(v.retain());
            }
        }
        RespWriter w = new RespWriter(new Sink());

        w.write(new Reply.OffHeapBulk(value));
        w.flush();

        assertThat(taken).containsExactly(value);
        assertThat(heap.toString(StandardCharsets.ISO_8859_1)).isEqualTo("$" + BIG + "\r\n\r\n");
        value.release();
        assertThat(value.isLive()).as("the sink still holds its reference").isTrue();
        taken.getFirst().release();
        assertThat(value.isLive()).isFalse();
    }

    @Test
    void shouldAcceptMoreThanAMebiElementsByDefault() throws IOException {
        int n = 1_200_001;
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(ascii("*" + n + "\r\n$4\r\nMSET\r\n"));
        for (int i = 1; i < n; i++) {
            String s = Integer.toString(i);
            in.writeBytes(ascii("$" + s.length() + "\r\n" + s + "\r\n"));
        }

        Command c = new RespReader(new ByteArrayInputStream(in.toByteArray()), RespLimits.DEFAULTS.withMaxQueryHeapBytes(1L << 30))
                .read();

        assertThat(c.size()).isEqualTo(n);
        assertThat(c.text(n - 1)).isEqualTo(Integer.toString(n - 1));
    }

    @Test
    void shouldRefuseBeyondTheConfiguredLimitsBeforeAllocating() {
        assertRefused(ascii("*11\r\n"), RespLimits.DEFAULTS.withMaxArrayElements(10), false,
                "Protocol error: invalid multibulk length");
        assertRefused(ascii("*1\r\n$1025\r\n"), RespLimits.DEFAULTS.withMaxBulkBytes(1024), false,
                "Protocol error: invalid bulk length");
        assertRefused(ascii("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + ((1 << 20) + 1) + "\r\n"),
                RespLimits.DEFAULTS.withMaxQueryBytes(1 << 20), false, CommandBudget.QUERY_BUFFER_LIMIT);
        assertRefused(ascii("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$600\r\n"), RespLimits.DEFAULTS.withMaxQueryHeapBytes(600), false,
                "Protocol error: the arguments of one command take more than");
    }

    @Test
    void shouldRefuseLongCommandsFromUnauthenticatedClientsAsRedisDoes() throws IOException {
        assertRefused(ascii("*11\r\n"), RespLimits.DEFAULTS, true, "Protocol error: unauthenticated multibulk length");
        assertRefused(ascii("*2\r\n$4\r\nAUTH\r\n$16385\r\n"), RespLimits.DEFAULTS, true,
                "Protocol error: unauthenticated bulk length");
        assertRefused(ascii("*2\r\n$4\r\nAUTH\r\n$600000000\r\n"), RespLimits.DEFAULTS, true,
                "Protocol error: invalid bulk length");
        RespReader ten = reader(concat(ascii("*10\r\n"), ascii("$16384\r\n"), new byte[16384], ascii("\r\n"),
                ascii("$1\r\na\r\n".repeat(9))), RespLimits.DEFAULTS);
        ten.authRequired(true);
        assertThat(ten.read().size()).isEqualTo(10);
    }

    @Test
    void shouldReadSettingsByTheirRedisNames() {
        RespLimits l = RespLimits.DEFAULTS.with(java.util.Map.of(RespLimits.PROTO_MAX_MULTIBULK_LEN, "2000000",
                RespLimits.CLIENT_QUERY_BUFFER_LIMIT, "2gb", RespLimits.PROTO_MAX_BULK_LEN, "64mb", "other", "x"));

        assertThat(l.maxArrayElements()).isEqualTo(2_000_000);
        assertThat(l.maxQueryBytes()).isEqualTo(2L << 30);
        assertThat(l.maxBulkBytes()).isEqualTo(64L << 20);
        assertThatThrownBy(() -> RespLimits.DEFAULTS.with(java.util.Map.of(RespLimits.CLIENT_QUERY_BUFFER_LIMIT, "lots")))
                .hasMessageContaining(RespLimits.CLIENT_QUERY_BUFFER_LIMIT);
    }

    @Test
    void shouldAllocateChunksOnlyAsBytesArrive() {
        long before = OffHeapBytes.liveBytes();
        OffHeapBytes v = OffHeapBytes.allocate(512L << 20);

        v.append(new byte[10], 0, 10);

        assertThat(OffHeapBytes.liveBytes() - before).isEqualTo(OffHeapBytes.CHUNK_BYTES);
        v.release();
        assertThat(OffHeapBytes.liveBytes()).isEqualTo(before);
    }

    /** Records the largest single write it was given. */
    private static final class CountingStream extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int largestWrite;

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            largestWrite = Math.max(largestWrite, len);
            bytes.write(b, off, len);
        }
    }
}
