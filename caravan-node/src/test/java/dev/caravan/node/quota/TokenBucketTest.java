package dev.caravan.node.quota;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {
    private final AtomicLong nowNs = new AtomicLong(1_000);

    @Test
    void shouldAllowABurstThenRefuseUntilTokensRefillAtTheRate() {
        TokenBucket b = new TokenBucket(100, 100, nowNs::get);

        assertThat(b.tryTake(100)).isTrue();
        assertThat(b.tryTake(1)).as("the burst is spent").isFalse();
        nowNs.addAndGet(10_000_000); // 10 ms at 100/s: one token
        assertThat(b.tryTake(1)).isTrue();
        assertThat(b.tryTake(1)).isFalse();
    }

    @Test
    void shouldNeverHoldMoreThanTheBurstAfterLongIdle() {
        TokenBucket b = new TokenBucket(1000, 10, nowNs::get);
        nowNs.addAndGet(Long.MAX_VALUE / 4);

        assertThat(b.available()).isEqualTo(10);
    }

    @Test
    void shouldGoIntoDebtAndSayHowLongToWaitWhenTakingMoreThanThere() {
        TokenBucket b = new TokenBucket(1000, 1000, nowNs::get);

        assertThat(b.take(1000)).isZero();
        assertThat(b.take(500)).as("500 tokens of debt at 1000/s").isEqualTo(500_000_000L);
        nowNs.addAndGet(500_000_000L);
        assertThat(b.available()).isZero();
    }

    @Test
    void shouldNotTakeAnythingWhenTryTakeIsRefused() {
        TokenBucket b = new TokenBucket(10, 10, nowNs::get);
        b.tryTake(5);

        assertThat(b.tryTake(6)).isFalse();
        assertThat(b.available()).isEqualTo(5);
    }
}
