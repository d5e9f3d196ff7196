package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MIG_BEGIN's reply carries the arriving process's RESP-over-TLS port; an older reply without it reads as 0. */
class BeginReplyTest {
    @Test
    void theTlsPortTravelsAndAnOlderReplyHasNone() {
        BodyWriter w = new BodyWriter();
        new MigrationMessages.BeginReply(7001, 7002, 42L, 7003).writeTo(w);
        assertThat(MigrationMessages.BeginReply.decode(new BodyReader(w.toBytes())))
                .isEqualTo(new MigrationMessages.BeginReply(7001, 7002, 42L, 7003));

        byte[] older = new BodyWriter().i32(7001).i32(7002).i64(42L).toBytes();
        assertThat(MigrationMessages.BeginReply.decode(new BodyReader(older)).tlsPort()).isZero();
    }

    @Test
    void aBadTlsPortOrTrailingBytesAreRefused() {
        byte[] bad = new BodyWriter().i32(7001).i32(7002).i64(42L).i32(70_000).toBytes();
        assertThatThrownBy(() -> MigrationMessages.BeginReply.decode(new BodyReader(bad))).isInstanceOf(CaravanException.class)
                .hasMessageContaining("bad TLS port 70000");
        byte[] longer = new BodyWriter().i32(7001).i32(7002).i64(42L).i32(7003).i32(1).toBytes();
        assertThatThrownBy(() -> MigrationMessages.BeginReply.decode(new BodyReader(longer))).isInstanceOf(CaravanException.class);
    }
}
