package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationProgressCodecTest {
    private static final MigrationProgress PUSHING = new MigrationProgress(MigrationPhase.PUSHING, 2, 300, 256, 1_300_000, 7,
            70, 5_000_000, 12, 840, 30, 100, 44, 11);

    @Test
    void shouldRoundTripEveryFieldOfVersionTwo() {
        BodyWriter w = new BodyWriter();
        PUSHING.writeTo(w);
        BodyReader r = new BodyReader(w.toBytes());

        assertThat(MigrationProgress.readFrom(r)).isEqualTo(PUSHING);
        r.expectEnd();
    }

    @Test
    void shouldReadAVersionOneBodyWithThePostCopyFiguresZero() {
        BodyWriter w = new BodyWriter().u8(MigrationPhase.ROUNDS.value()).i32(1).i64(10).i64(20).i64(40_960).i64(3).i64(30)
                .i64(1000).i64(10).i64(5).i32(0);
        byte[] v1 = w.toBytes();

        assertThat(v1).hasSize(73);
        assertThat(MigrationProgress.readFrom(new BodyReader(v1))).isEqualTo(new MigrationProgress(MigrationPhase.ROUNDS, 1, 10,
                20, 40_960, 3, 30, 1000, 10, 5, 0, 0, 0, 0));
    }

    @Test
    void shouldLetAVersionOneReaderStopAfterItsFields() {
        BodyWriter w = new BodyWriter();
        PUSHING.writeTo(w);
        BodyReader r = new BodyReader(w.toBytes());
        // What a version-1 reader reads: the fields up to throttlePercent, in their old places.
        assertThat(MigrationPhase.of(r.u8())).isEqualTo(MigrationPhase.PUSHING);
        r.i32();
        r.i64();
        r.i64();
        assertThat(r.i64()).isEqualTo(1_300_000);
        for (int i = 0; i < 5; i++) { // dirtyPages, dirtyPagesPerSec, bandwidth, remainingPages, elapsedMs
            r.i64();
        }
        assertThat(r.i32()).isEqualTo(30);
    }

    @Test
    void shouldReadWhatItKnowsOfALaterVersion() {
        BodyWriter w = new BodyWriter();
        PUSHING.writeTo(w);
        byte[] v2 = w.toBytes();
        v2[73] = 3;
        byte[] v3 = java.util.Arrays.copyOf(v2, v2.length + 8);

        assertThat(MigrationProgress.readFrom(new BodyReader(v3))).isEqualTo(PUSHING);
    }

    @Test
    void shouldRefuseAVersionByteBelowTwo() {
        BodyWriter w = new BodyWriter();
        PUSHING.writeTo(w);
        byte[] body = w.toBytes();
        body[73] = 1;

        assertThatThrownBy(() -> MigrationProgress.readFrom(new BodyReader(body))).isInstanceOf(CaravanException.class)
                .hasMessageContaining("version 1");
    }
}
