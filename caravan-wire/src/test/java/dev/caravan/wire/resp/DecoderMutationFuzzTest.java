package dev.caravan.wire.resp;

import dev.caravan.wire.fuzz.DecoderFuzzer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A short run of {@link DecoderFuzzer}'s structure-aware mutations (huge lengths, splices). */
class DecoderMutationFuzzTest {
    private static final long HALF_SECOND_NS = 500_000_000L;

    @Test
    void shouldOnlyThrowTypedErrorsOnMutatedInput() throws Exception {
        List<DecoderFuzzer.Outcome> outcomes = DecoderFuzzer.runAll(42, HALF_SECOND_NS, System::nanoTime, 10_000, line -> { });
        assertThat(outcomes).hasSize(4);
        for (DecoderFuzzer.Outcome o : outcomes) {
            assertThat(o.finding()).as(o.target() + " on input " + o.inputHex()).isNull();
            assertThat(o.inputs()).as(o.target()).isPositive();
        }
    }
}
