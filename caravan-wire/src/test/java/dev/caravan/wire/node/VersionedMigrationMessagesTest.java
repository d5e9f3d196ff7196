package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** MIG_BEGIN version 2 (the state version) and NODE_MIGRATE version 2 (upgradeTo): old and new bodies, bad tails. */
class VersionedMigrationMessagesTest {
    private static final String HASH = "ab".repeat(32);
    private static final ProcessSpec SPEC = new ProcessSpec("ledger", "", HASH, "demo.Counter", 1 << 20, Map.of("k", "v"));

    private static MigrationMessages.Begin begin(OptionalInt stateVersion) {
        return new MigrationMessages.Begin(SPEC, "id-1", 4, "127.0.0.1:7000", "n1", "", MigrationMessages.Allocation.ON_ARRIVAL,
                new long[] {5L, -1L}, stateVersion);
    }

    /** The body a version-1 source wrote: everything up to the chunks, nothing after. */
    private static byte[] versionOneBegin() {
        BodyWriter w = new BodyWriter();
        SPEC.writeTo(w);
        w.string("id-1").i64(4).string("127.0.0.1:7000").string("n1").string("").u8(2).i32(2).i64(5L).i64(-1L);
        return w.toBytes();
    }

    private static void assertSameBegin(MigrationMessages.Begin actual, MigrationMessages.Begin expected) {
        assertThat(actual.spec()).isEqualTo(expected.spec());
        assertThat(actual.processId()).isEqualTo(expected.processId());
        assertThat(actual.epoch()).isEqualTo(expected.epoch());
        assertThat(actual.front()).isEqualTo(expected.front());
        assertThat(actual.sourceNode()).isEqualTo(expected.sourceNode());
        assertThat(actual.allocation()).isEqualTo(expected.allocation());
        assertThat(actual.chunks()).containsExactly(expected.chunks());
        assertThat(actual.stateVersion()).isEqualTo(expected.stateVersion());
    }

    @Test
    void shouldCarryTheStateVersionInABeginOfVersionTwo() {
        byte[] body = begin(OptionalInt.of(3)).encode();

        assertThat(body).hasSize(versionOneBegin().length + 5);
        assertSameBegin(MigrationMessages.Begin.decode(new BodyReader(body)), begin(OptionalInt.of(3)));
    }

    @Test
    void shouldWriteAVersionOneBodyWhenTheStateVersionIsUnknown() {
        assertThat(begin(OptionalInt.empty()).encode()).isEqualTo(versionOneBegin());
    }

    @Test
    void shouldReadAVersionOneBeginAsOfUnknownStateVersion() {
        MigrationMessages.Begin b = MigrationMessages.Begin.decode(new BodyReader(versionOneBegin()));

        assertSameBegin(b, begin(OptionalInt.empty()));
    }

    @Test
    void shouldReadWhatItKnowsOfALaterBeginVersion() {
        byte[] v2 = begin(OptionalInt.of(7)).encode();
        byte[] v3 = Arrays.copyOf(v2, v2.length + 6);
        v3[versionOneBegin().length] = 3;

        assertThat(MigrationMessages.Begin.decode(new BodyReader(v3)).stateVersion()).hasValue(7);
    }

    @Test
    void shouldRefuseABeginWhoseTailIsMalformed() {
        int v1 = versionOneBegin().length;
        byte[] wrongVersion = begin(OptionalInt.of(7)).encode();
        wrongVersion[v1] = 1;
        byte[] truncated = Arrays.copyOf(begin(OptionalInt.of(7)).encode(), v1 + 3);
        byte[] trailing = Arrays.copyOf(begin(OptionalInt.of(7)).encode(), v1 + 6);

        for (byte[] body : new byte[][] {wrongVersion, truncated, trailing}) {
            CaravanException e = catchThrowableOfType(CaravanException.class,
                    () -> MigrationMessages.Begin.decode(new BodyReader(body)));
            assertThat(e).as("body of %d bytes", body.length).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
        }
    }

    private static MigrationRequest request(String upgradeTo) {
        return new MigrationRequest("ledger", "n2", MigrationMode.PRE_COPY, 50, 30, 2, false, "", "", upgradeTo);
    }

    private static MigrationRequest roundTrip(byte[] body) {
        BodyReader r = new BodyReader(body);
        MigrationRequest m = MigrationRequest.readFrom(r);
        r.expectEnd();
        return m;
    }

    private static byte[] encode(MigrationRequest m) {
        BodyWriter w = new BodyWriter();
        m.writeTo(w);
        return w.toBytes();
    }

    @Test
    void shouldWriteARequestWithoutUpgradeExactlyAsVersionOne() {
        byte[] plain = encode(request(""));
        BodyWriter v1 = new BodyWriter().string("ledger").string("n2").u8(MigrationMode.PRE_COPY.value()).i64(50).i32(30).i32(2)
                .bool(false).string("").string("");

        assertThat(plain).isEqualTo(v1.toBytes());
        assertThat(roundTrip(plain)).isEqualTo(request(""));
    }

    @Test
    void shouldRoundTripARequestThatUpgrades() {
        assertThat(roundTrip(encode(request(HASH)))).isEqualTo(request(HASH));
    }

    @Test
    void shouldRefuseARequestOfAnUnknownVersionOrAMalformedTail() {
        byte[] later = encode(request(HASH));
        int tail = encode(request("")).length;
        later[tail] = 9;
        byte[] wrong = encode(request(HASH));
        wrong[tail] = 0;

        assertThat(catchThrowableOfType(CaravanException.class, () -> roundTrip(later)).code())
                .isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(catchThrowableOfType(CaravanException.class, () -> roundTrip(wrong)).code()).isEqualTo(ErrorCode.MALFORMED);
    }

    @Test
    void shouldRefuseAnUpgradeThatIsNotAHashOrThatClones() {
        CaravanException notHash = catchThrowableOfType(CaravanException.class, () -> request("v2.jar"));
        CaravanException clone = catchThrowableOfType(CaravanException.class, () ->
                new MigrationRequest("ledger", "n2", MigrationMode.PRE_COPY, 50, 30, 2, true, "copy", "", HASH));

        assertThat(notHash.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(notHash.getMessage()).contains("64 lower-case hex digits");
        assertThat(clone.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }
}
