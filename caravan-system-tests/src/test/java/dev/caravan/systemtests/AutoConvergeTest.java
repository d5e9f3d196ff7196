package dev.caravan.systemtests;

import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A process that dirties its memory faster than pre-copy can send it is slowed down, and the migration finishes. */
@Tag("slow")
class AutoConvergeTest {
    private static final String DIRTIER = """
            package conv;
            import dev.caravan.core.process.*;
            import dev.caravan.wire.command.*;
            public final class Dirtier implements CaravanProcess {
                private ProcessContext ctx;
                private long round;
                @Override public void onStart(ProcessContext c, boolean restored) { ctx = c; }
                @Override public Reply onCommand(Command c) {
                    // Touches one byte of each of the first 8192 pages (32 MiB): every round's work is dirty again.
                    round++;
                    for (long p = 0; p < 8192; p++) {
                        ctx.memory().putByte(p * 4096, (byte) round);
                    }
                    return Reply.integer(round);
                }
            }
            """;

    @Test
    void shouldThrottleAProcessThatDirtiesFasterThanItCanBeSentAndStillFinish() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).start()) {
            ProcessInfo p = c.deployBundle("dirtier", BundleBuilder.bundle().source("conv.Dirtier", DIRTIER).build(),
                    "conv.Dirtier", "n1");
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong failures = new AtomicLong();
            AtomicLong done = new AtomicLong();
            Thread writer = Thread.ofVirtual().start(() -> {
                try (RespConnection conn = new RespConnection(CaravanCluster.frontAddress(p))) {
                    while (running.get()) {
                        if (!(conn.call("DIRTY") instanceof Reply.Int)) {
                            failures.incrementAndGet();
                        }
                        done.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> done.get() > 5);
            MigrationReport r = NodeControl.migrate(c.controlAddress("n1"), "", new MigrationRequest("dirtier", "n2",
                    MigrationMode.PRE_COPY, 1, 60, 2, false, "", ""), x -> { }, Duration.ofMinutes(2));
            running.set(false);
            writer.join(30_000);
            assertThat(r.outcome().label()).as("%s", r).isEqualTo("committed");
            assertThat(r.throttlePercent()).as("auto-converge throttle in %s", r).isGreaterThanOrEqualTo(20);
            assertThat(r.rounds()).isGreaterThan(2);
            // A process that dirties faster than it can be sent stops the rounds by a named rule, and a
            // downtime over the 1 ms budget is flagged as such.
            assertThat(r.stopReason()).isNotEqualTo(dev.caravan.wire.node.PreCopyStop.NONE);
            assertThat(r.detail()).contains("pre-copy stopped: " + r.stopReason().reason());
            assertThat(r.overBudget()).isEqualTo(r.downtimeMicros() > 1000);
            assertThat(failures).hasValue(0);
            assertThat(c.client().call("dirtier", "DIRTY")).isInstanceOf(Reply.Int.class);
        }
    }
}
