package dev.caravan.migration.resources;

import dev.caravan.core.process.ResourceBinding.Action;
import dev.caravan.core.process.ResourceBinding.Attachment;
import dev.caravan.core.process.ResourceBinding.Binding;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ResourceProtocol;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourceTransferTest {
    private static final ResourceTransfer MOVED = new ResourceTransfer("data", Binding.BY_IDENTIFIER, Attachment.UNATTACHED,
            Action.MOVE, null, "file:/srv/a/data", "", new byte[] {1, 2, 3});
    private static final ResourceTransfer REBOUND = new ResourceTransfer("printer", Binding.BY_TYPE, Attachment.FIXED,
            Action.REBIND, Action.GLOBAL_REFERENCE, "device:printer", "caravan-ref://a/p/printer", new byte[0]);

    private static void assertCode(Runnable r, ErrorCode code) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void shouldRoundTripTransfersThroughTheWireCodec() {
        byte[] body = ResourceTransfer.resourcesBody("p", List.of(MOVED, REBOUND));
        ResourceProtocol.Resources r = ResourceProtocol.readResources(new BodyReader(body));
        assertThat(r.process()).isEqualTo("p");
        List<ResourceTransfer> ts = ResourceTransfer.fromWire(r.transfers());
        assertThat(ts).hasSize(2);
        assertThat(ts.get(0)).usingRecursiveComparison().isEqualTo(MOVED);
        assertThat(ts.get(1)).usingRecursiveComparison().isEqualTo(REBOUND);
    }

    @Test
    void shouldRoundTripTheInstalledUris() {
        Map<String, String> uris = new LinkedHashMap<>();
        uris.put("data", "file:/srv/b/files/p/data");
        uris.put("printer", "device:printer");
        assertThat(ResourceProtocol.readUris(new BodyReader(ResourceProtocol.urisBody(uris))))
                .containsExactlyEntriesOf(uris);
    }

    @Test
    void shouldRejectEveryTruncationAsMalformed() {
        byte[] body = ResourceTransfer.resourcesBody("p", List.of(MOVED, REBOUND));
        for (int len = 0; len < body.length; len++) {
            byte[] cut = Arrays.copyOf(body, len);
            assertCode(() -> ResourceProtocol.readResources(new BodyReader(cut)), ErrorCode.MALFORMED);
        }
    }

    @Test
    void shouldRejectTrailingBytesUnknownCodesAndLyingCounts() {
        byte[] body = ResourceTransfer.resourcesBody("p", List.of(MOVED));
        byte[] trailing = Arrays.copyOf(body, body.length + 1);
        assertCode(() -> ResourceProtocol.readResources(new BodyReader(trailing)), ErrorCode.MALFORMED);

        byte[] badAction = body.clone();
        int actionAt = 4 + 1 + 4 + 1 + 4 + "data".length() + 2; // process, count, version, name, binding, attachment
        assertThat(badAction[actionAt]).isEqualTo((byte) 1);
        badAction[actionAt] = 9;
        assertCode(() -> ResourceProtocol.readResources(new BodyReader(badAction)), ErrorCode.MALFORMED);

        byte[] negative = new BodyWriter().string("p").i32(-1).toBytes();
        assertCode(() -> ResourceProtocol.readResources(new BodyReader(negative)), ErrorCode.MALFORMED);

        byte[] lying = transferBody("data", 3, new byte[2]);
        assertCode(() -> ResourceTransfer.fromWire(ResourceProtocol.Transfer.readFrom(new BodyReader(lying))), ErrorCode.MALFORMED);
    }

    @Test
    void shouldRefuseAnOversizedPayloadBeforeReadingIt() {
        byte[] body = transferBody("data", ResourceTransfer.MAX_PAYLOAD_BYTES + 1L, new byte[0]);
        assertCode(() -> ResourceTransfer.fromWire(ResourceProtocol.Transfer.readFrom(new BodyReader(body))), ErrorCode.TOO_LARGE);
    }

    @Test
    void shouldRefusePayloadsThatAddUpPastTheFrameBudget() {
        byte[] big = new byte[13 * 1024 * 1024];
        ResourceTransfer t = new ResourceTransfer("a", Binding.BY_VALUE, Attachment.UNATTACHED, Action.COPY, null,
                "file:/x", "", big);
        List<ResourceTransfer> four = List.of(t, rename(t, "b"), rename(t, "c"), rename(t, "d"));
        byte[] body = ResourceTransfer.resourcesBody("p", four);
        assertCode(() -> ResourceProtocol.readResources(new BodyReader(body)), ErrorCode.TOO_LARGE);
    }

    @Test
    void shouldRefuseAnUnknownVersion() {
        byte[] body = transferBody("data", 0, new byte[0]);
        body[0] = 2;
        assertCode(() -> ResourceTransfer.fromWire(ResourceProtocol.Transfer.readFrom(new BodyReader(body))), ErrorCode.UNSUPPORTED_VERSION);
    }

    @Test
    void shouldRefuseNamesThatClimbOutOfADirectory() {
        assertCode(() -> ResourceTransfer.fromWire(ResourceProtocol.Transfer.readFrom(new BodyReader(transferBody("../x", 0, new byte[0])))),
                ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> ResourceTransfer.fromWire(ResourceProtocol.Transfer.readFrom(new BodyReader(transferBody("..", 0, new byte[0])))),
                ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> new ResourceTransfer("a/b", Binding.BY_VALUE, Attachment.UNATTACHED, Action.COPY, null,
                "file:/x", "", new byte[0]), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> ResourceProtocol.readResources(new BodyReader(new BodyWriter().string("..").i32(0).toBytes())),
                ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void shouldRefuseInconsistentTransfers() {
        assertCode(() -> new ResourceTransfer("a", Binding.BY_VALUE, Attachment.FIXED, Action.GLOBAL_REFERENCE, null,
                "file:/x", "", new byte[0]), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> new ResourceTransfer("a", Binding.BY_VALUE, Attachment.FIXED, Action.GLOBAL_REFERENCE, null,
                "file:/x", "file:/y", new byte[0]), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> new ResourceTransfer("a", Binding.BY_VALUE, Attachment.FIXED, Action.GLOBAL_REFERENCE, null,
                "file:/x", "caravan-ref://a/p/a", new byte[1]), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> new ResourceTransfer("a", Binding.BY_VALUE, Attachment.UNATTACHED, Action.COPY, Action.MOVE,
                "file:/x", "", new byte[0]), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void shouldBoundRemoteReads() {
        assertThat(ResourceProtocol.readReadRequest(new BodyReader(ResourceProtocol.readBody("p/db", 5, 10))))
                .isEqualTo(new ResourceProtocol.ReadRequest("p/db", 5, 10));
        assertCode(() -> ResourceProtocol.readReadRequest(new BodyReader(
                ResourceProtocol.readBody("p/db", 0, ResourceProtocol.MAX_READ_CHUNK_BYTES + 1))), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> ResourceProtocol.readReadRequest(new BodyReader(ResourceProtocol.readBody("p/db", -1, 1))),
                ErrorCode.INVALID_ARGUMENT);
    }

    private static ResourceTransfer rename(ResourceTransfer t, String name) {
        return new ResourceTransfer(name, t.binding(), t.attachment(), t.action(), t.fallback(), t.sourceUri(),
                t.referenceUri(), t.payload());
    }

    /** A version-1 COPY transfer written field by field, so that tests can make it lie. */
    private static byte[] transferBody(String name, long declaredBytes, byte[] payload) {
        return new BodyWriter().u8(1).string(name).u8(2).u8(1).u8(3).u8(0).string("file:/x").string("")
                .i64(declaredBytes).bytes(payload).toBytes();
    }
}
