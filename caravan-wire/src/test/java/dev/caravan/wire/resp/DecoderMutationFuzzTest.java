package dev.caravan.wire.resp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A short run of {@link DecoderFuzzMain}'s structure-aware mutations (huge lengths, splices). */
class DecoderMutationFuzzTest {
    private static final long HALF_SECOND_NS = 500_000_000L;

    @Test
    void shouldOnlyThrowTypedErrorsOnMutatedInput() throws Exception {
        assertThat(DecoderFuzzMain.run("resp-requests", FuzzTargets::respRequests,
                DecoderFuzzMain.respRequestSeeds(), 42, HALF_SECOND_NS)).isPositive();
        assertThat(DecoderFuzzMain.run("resp-replies", FuzzTargets::respReplies,
                DecoderFuzzMain.respReplySeeds(), 42, HALF_SECOND_NS)).isPositive();
        assertThat(DecoderFuzzMain.run("frames", FuzzTargets::frames,
                DecoderFuzzMain.frameSeeds(), 42, HALF_SECOND_NS)).isPositive();
        assertThat(DecoderFuzzMain.run("frame-bodies", FuzzTargets::bodies,
                DecoderFuzzMain.bodySeeds(), 42, HALF_SECOND_NS)).isPositive();
    }
}
