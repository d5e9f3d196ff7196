package dev.caravan.mobility.runtime;

import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.mobility.enhance.LiveValue;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodecCheckTest {
    private static final TestEnhancer ENHANCED = new TestEnhancer("dev.caravan.mobility.fixtures");

    private static LiveValue live(String type, int line) {
        return new LiveValue(type, "dev.caravan.mobility.fixtures.SumLoop.run(SumLoop.java:" + line + ")",
                "dev.caravan.mobility.fixtures.SumLoop", "run", line);
    }

    @Test
    void shouldAcceptBuiltInsRecordsTheProcessItselfAndItsContext() {
        LoopProcessHost host = LoopProcessHostTest.newHost();
        List<LiveValue> ok = List.of(live("java.lang.String", 31), live("[B", 31), live("java.lang.Long", 31),
                live("dev.caravan.core.mobility.Request", 31), live("dev.caravan.mobility.fixtures.Point", 31),
                live("dev.caravan.core.mobility.MoveResult", 31), live("dev.caravan.core.mobility.LoopContext", 31),
                live("dev.caravan.mobility.fixtures.SumLoop", 31));
        assertThatCode(() -> CodecCheck.check(host.loop().getClass(), host.codecs(), ok)).doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseAValueWithoutACodecNamingTypeClassMethodAndLine() {
        LoopProcessHost host = LoopProcessHostTest.newHost();
        assertThatThrownBy(() -> CodecCheck.check(host.loop().getClass(), host.codecs(),
                List.of(live("java.util.Optional", 31), live("[J", 40))))
                .isInstanceOfSatisfying(CaravanException.class, e -> org.assertj.core.api.Assertions.assertThat(e.code())
                        .isEqualTo(ErrorCode.CODE_REFUSED))
                .hasMessage("dev.caravan.mobility.fixtures.SumLoop holds a java.util.Optional live at a suspension point in"
                        + " dev.caravan.mobility.fixtures.SumLoop.run(SumLoop.java:31): give it a codec in codecs() or keep it"
                        + " out of locals across suspension points; dev.caravan.mobility.fixtures.SumLoop holds a long[] live"
                        + " at a suspension point in dev.caravan.mobility.fixtures.SumLoop.run(SumLoop.java:40): give it a"
                        + " codec in codecs() or keep it out of locals across suspension points");
    }

    @Test
    void shouldAcceptADeclaredTypeAndRefuseAnUncarriedField() {
        LoopProcessHost host = new LoopProcessHost(ENHANCED.newInstance("CodecLoop", LoopProcess.class), "");
        assertThatCode(() -> CodecCheck.check(host.loop().getClass(), host.codecs(),
                List.of(live("dev.caravan.mobility.fixtures.Tally", 12)))).doesNotThrowAnyException();
        LoopProcessHost fielded = new LoopProcessHost(ENHANCED.newInstance("FieldLoop", LoopProcess.class), "");
        assertThatThrownBy(() -> CodecCheck.check(fielded.loop().getClass(), fielded.codecs(), List.of()))
                .hasMessage("dev.caravan.mobility.fixtures.FieldLoop.seen is a java.util.List, which its continuation"
                        + " cannot carry: give it a codec in codecs() or mark it transient");
    }
}
