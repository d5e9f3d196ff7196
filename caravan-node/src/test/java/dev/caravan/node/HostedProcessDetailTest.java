package dev.caravan.node;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What ps and inspect show as a running process's detail. */
class HostedProcessDetailTest {
    /** The tester's case: an agent waiting on its node's messages read "running 1 client blocked" instead of its own line. */
    @Test
    void shouldShowTheStatusLineTheProcessSetOverItsBlockedClients() {
        assertThat(HostedProcess.runningDetail("working hop 0/3 on n2", 1)).isEqualTo("working hop 0/3 on n2");
    }

    @Test
    void shouldShowBlockedClientsWhenTheProcessSetNoStatusLine() {
        assertThat(HostedProcess.runningDetail("", 1)).isEqualTo("1 client blocked (BLPOP and the like)");
        assertThat(HostedProcess.runningDetail("", 3)).isEqualTo("3 clients blocked (BLPOP and the like)");
        assertThat(HostedProcess.runningDetail("", 0)).isEmpty();
    }
}
