package dev.caravan.switching.dns;

import dev.caravan.core.time.ManualClock;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import static dev.caravan.switching.dns.ResponseRateLimiter.Verdict.DROP;
import static dev.caravan.switching.dns.ResponseRateLimiter.Verdict.SEND;
import static dev.caravan.switching.dns.ResponseRateLimiter.Verdict.SLIP;
import static org.assertj.core.api.Assertions.assertThat;

class ResponseRateLimiterTest {
    @Test
    void shouldLimitOneClientToItsBurstThenItsRateAndSlipEverySecondDrop() throws UnknownHostException {
        ManualClock clock = new ManualClock(0);
        ResponseRateLimiter limiter = new ResponseRateLimiter(clock, 10, 3, 2);
        InetAddress flooder = InetAddress.getByName("127.0.0.2");
        InetAddress other = InetAddress.getByName("127.0.0.3");

        List<ResponseRateLimiter.Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            verdicts.add(limiter.onAnswer(flooder));
        }
        assertThat(verdicts).containsExactly(SEND, SEND, SEND, DROP, SLIP, DROP, SLIP);
        assertThat(limiter.onAnswer(other)).as("another client has its own bucket").isEqualTo(SEND);

        clock.advanceMs(100);
        assertThat(limiter.onAnswer(flooder)).as("one token back after 1/rate s").isEqualTo(SEND);
        assertThat(limiter.onAnswer(flooder)).isEqualTo(DROP);
        clock.advanceMs(10_000);
        assertThat(List.of(limiter.onAnswer(flooder), limiter.onAnswer(flooder), limiter.onAnswer(flooder), limiter.onAnswer(flooder)))
                .as("refilled to the burst, no more").containsExactly(SEND, SEND, SEND, SLIP);
    }
}
