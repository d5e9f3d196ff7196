package dev.caravan.naming;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamingEntryTest {
    @Test
    void shouldRoundTripThroughItsCodec() {
        NamingEntry e = new NamingEntry("process/kv1", "n1", "10.0.0.1", 7001, 42,
                Map.of("controlPort", "7100", "state", "RUNNING"), 99);
        BodyWriter w = new BodyWriter();
        NamingEvent.removed(e).writeTo(w);
        BodyReader r = new BodyReader(w.toBytes());
        assertThat(NamingEvent.readFrom(r)).isEqualTo(NamingEvent.removed(e));
        r.expectEnd();
    }

    @Test
    void shouldRejectTruncatedAndLyingBodies() {
        NamingEntry e = new NamingEntry("a", "", "h", 1, 1, Map.of("k", "v"));
        BodyWriter w = new BodyWriter();
        e.writeTo(w);
        byte[] all = w.toBytes();
        assertThatThrownBy(() -> NamingEntry.readFrom(new BodyReader(all, 0, all.length - 1)))
                .isInstanceOf(CaravanException.class).extracting(x -> ((CaravanException) x).code())
                .isEqualTo(ErrorCode.MALFORMED);
        BodyWriter lying = new BodyWriter().string("a").string("").string("h").i32(1).i64(1).i64(0).i32(65);
        assertThatThrownBy(() -> NamingEntry.readFrom(new BodyReader(lying.toBytes())))
                .isInstanceOf(CaravanException.class).extracting(x -> ((CaravanException) x).code())
                .isEqualTo(ErrorCode.MALFORMED);
    }
}
