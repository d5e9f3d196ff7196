package dev.caravan.cli.commands.nodes;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code caravan nodes} says when naming's admin port does not give the lease ages. */
class NodesCommandTest {
    @Test
    void shouldTurnATenantsHttp403IntoOneClearLine() {
        String line = NodesCommand.leaseAgesUnknown("admin port 127.0.0.1:4100 answered HTTP 403 {\"error\":\"ta (slice alpha) may read"
                + " only /events of its slice here\"}");

        assertThat(line).isEqualTo("caravan: lease ages not shown: naming's admin port serves them to cluster-wide identities only,"
                + " and this one is confined to a slice").doesNotContain("HTTP").doesNotContain("{");
    }

    @Test
    void shouldSayWhyForAnyOtherFailure() {
        assertThat(NodesCommand.leaseAgesUnknown("admin port 127.0.0.1:4100 does not answer: refused"))
                .isEqualTo("caravan: lease ages unknown: admin port 127.0.0.1:4100 does not answer: refused");
    }
}
