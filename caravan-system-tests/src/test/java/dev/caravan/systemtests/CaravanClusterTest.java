package dev.caravan.systemtests;

import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/** The harness itself: ERROR lines in daemon logs fail {@link CaravanCluster#close()} unless expected. */
class CaravanClusterTest {
    private static final String THROWER = "harness.Thrower";

    private static byte[] throwerBundle() {
        return BundleBuilder.bundle().source(THROWER, """
                package harness;
                import dev.caravan.core.process.CaravanProcess;
                import dev.caravan.core.process.ProcessContext;
                import dev.caravan.wire.command.Command;
                import dev.caravan.wire.command.Reply;
                public final class Thrower implements CaravanProcess {
                    @Override public void onStart(ProcessContext context, boolean restored) { }
                    @Override public Reply onCommand(Command command) {
                        throw new IllegalStateException("deliberate failure on " + command.name());
                    }
                }
                """).build();
    }

    @Test
    void shouldFailOnCloseListingUnexpectedErrorLinesButNotExpectedOnes() throws Exception {
        CaravanCluster cluster = CaravanCluster.aCluster().withNodes(1)
                .expectingErrors(Pattern.compile("failed on EXPECTED")).start();
        AssertionError failure;
        try {
            cluster.deployBundle("thrower", throwerBundle(), THROWER, "n1");

            Reply expected = cluster.client().call("thrower", "EXPECTED");
            assertThat(expected).as("a process exception becomes an error reply").isInstanceOf(Reply.Error.class);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(cluster.local().loggedErrors())
                    .anyMatch(l -> l.contains("failed on EXPECTED")));
            assertThat(cluster.unexpectedErrors()).isEmpty();

            cluster.client().call("thrower", "SURPRISE");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(cluster.unexpectedErrors()).isNotEmpty());
        } finally {
            failure = catchThrowableOfType(AssertionError.class, cluster::close);
        }

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("failed on SURPRISE").doesNotContain("failed on EXPECTED");
        assertThat(cluster.node("n1").isAlive()).as("close stops the JVMs even when it fails").isFalse();
        assertThat(cluster.workDir().resolve("logs")).as("logs are kept for a failed cluster").isDirectory();
        CaravanCluster.deleteQuietly(cluster.workDir());
    }
}
