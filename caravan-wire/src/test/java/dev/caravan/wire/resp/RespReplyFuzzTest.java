package dev.caravan.wire.resp;

import dev.caravan.wire.fuzz.FuzzTargets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzzes {@link FuzzTargets#respReplies} for a few seconds in every test run (JAZZER_FUZZ=1
 * is set by the module's surefire configuration; without it only the corpus is replayed).
 */
class RespReplyFuzzTest {
    @FuzzTest(maxDuration = "2s")
    void onlyTypedErrorsEscape(byte[] input) throws Exception {
        FuzzTargets.respReplies(input);
    }
}
