package dev.caravan.servers.handoff;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HandoffCodecTest {
    private static final HandoffRequest REQUEST = new HandoffRequest("s3cret", "kv1", 7, true,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_123), "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.UTF_8));

    private static HandoffRequest decode(byte[] bytes) throws IOException {
        return HandoffCodec.decode(new ByteArrayInputStream(bytes));
    }

    private static ErrorCode refusal(byte[] bytes) {
        try {
            decode(bytes);
        } catch (CaravanException e) {
            return e.code();
        } catch (IOException e) {
            throw new AssertionError("expected a refusal, got " + e);
        }
        throw new AssertionError("accepted a bad message");
    }

    @Test
    void shouldRoundTripARequest() throws IOException {
        byte[] bytes = HandoffCodec.encode(REQUEST);
        assertThat(decode(bytes)).isEqualTo(REQUEST);
        assertThat(Arrays.copyOf(bytes, 5)).containsExactly('C', 'V', 'H', 'O', 1);
        HandoffRequest v4 = new HandoffRequest("", "web-2", 0, false,
                new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 80), new byte[0]);
        assertThat(decode(HandoffCodec.encode(v4))).isEqualTo(v4);
    }

    @Test
    void shouldReadSeveralRequestsFromOneStreamAndNullAtItsEnd() throws IOException {
        byte[] one = HandoffCodec.encode(REQUEST);
        ByteArrayInputStream in = new ByteArrayInputStream(ByteBuffer.allocate(2 * one.length).put(one).put(one).array());
        assertThat(HandoffCodec.decode(in)).isEqualTo(REQUEST);
        assertThat(HandoffCodec.decode(in)).isEqualTo(REQUEST);
        assertThat(HandoffCodec.decode(in)).isNull();
    }

    @Test
    void shouldRefuseBadMagicAndUnknownVersion() {
        byte[] bytes = HandoffCodec.encode(REQUEST);
        byte[] http = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(refusal(http)).isEqualTo(ErrorCode.MALFORMED);
        bytes[4] = 2;
        assertThat(refusal(bytes)).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
    }

    @Test
    void shouldRefuseOversizedLengthsBeforeAllocating() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(HandoffCodec.MAGIC);
        out.writeByte(1);
        out.writeShort(0);
        out.writeShort(3);
        out.write("kv1".getBytes(StandardCharsets.US_ASCII));
        out.writeLong(1);
        out.writeByte(4);
        out.writeByte(4);
        out.write(new byte[] {127, 0, 0, 1});
        out.writeShort(5000);
        out.writeInt(Integer.MAX_VALUE); // nothing follows: only a length check can refuse this without reading
        assertThat(refusal(b.toByteArray())).isEqualTo(ErrorCode.TOO_LARGE);

        ByteArrayOutputStream t = new ByteArrayOutputStream();
        DataOutputStream tok = new DataOutputStream(t);
        tok.writeInt(HandoffCodec.MAGIC);
        tok.writeByte(1);
        tok.writeShort(HandoffCodec.MAX_TOKEN_BYTES + 1);
        assertThat(refusal(t.toByteArray())).isEqualTo(ErrorCode.TOO_LARGE);

        assertThatThrownBy(() -> HandoffCodec.encode(new HandoffRequest("", "kv1", 0, false, REQUEST.client(),
                new byte[HandoffCodec.MAX_PREFIX_BYTES + 1])))
                .isInstanceOf(CaravanException.class);
    }

    @Test
    void shouldRefuseAnEmptyNameAndABadFamilyOrAddress() {
        byte[] noName = HandoffCodec.encode(new HandoffRequest("", "x", 0, false, REQUEST.client(), new byte[0]));
        // name length 1 → 0 and drop the name byte
        byte[] shortened = new byte[noName.length - 1];
        System.arraycopy(noName, 0, shortened, 0, 8);
        shortened[8] = 0;
        System.arraycopy(noName, 10, shortened, 9, noName.length - 10);
        assertThat(refusal(shortened)).isEqualTo(ErrorCode.MALFORMED);

        byte[] bytes = HandoffCodec.encode(REQUEST);
        int familyAt = 4 + 1 + 2 + 6 + 2 + 3 + 8;
        bytes[familyAt] = 5;
        assertThat(refusal(bytes)).isEqualTo(ErrorCode.MALFORMED);
        bytes = HandoffCodec.encode(REQUEST);
        bytes[familyAt + 1] = 8;
        assertThat(refusal(bytes)).isEqualTo(ErrorCode.MALFORMED);
    }

    @Test
    void shouldReportATruncatedRequestAsEndOfStream() {
        byte[] bytes = HandoffCodec.encode(REQUEST);
        for (int cut : new int[] {1, 4, 6, 20, bytes.length - 1}) {
            assertThatThrownBy(() -> decode(Arrays.copyOf(bytes, cut))).as("cut at " + cut).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void shouldRoundTripReplies() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HandoffCodec.writeReply(out, HandoffReply.ADOPTED);
        HandoffCodec.writeReply(out, HandoffReply.refused(ErrorCode.STALE_EPOCH, "kv1 runs epoch 8 here"));
        HandoffCodec.writeReply(out, HandoffReply.refused(ErrorCode.MALFORMED, "x".repeat(5000)));
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertThat(HandoffCodec.readReply(in).adopted()).isTrue();
        assertThat(HandoffCodec.readReply(in)).isEqualTo(HandoffReply.refused(ErrorCode.STALE_EPOCH, "kv1 runs epoch 8 here"));
        assertThat(HandoffCodec.readReply(in).message()).hasSize(HandoffCodec.MAX_REPLY_MESSAGE_BYTES);
        assertThatThrownBy(() -> HandoffCodec.readReply(new ByteArrayInputStream(new byte[] {0, 0x7f, 0})))
                .isInstanceOf(CaravanException.class);
    }
}
