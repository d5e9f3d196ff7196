package dev.caravan.systemtests;

import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespReplyReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10's stale pool: a stable endpoint whose pooled session link to the old data endpoint
 * sat idle across a migration (and past the old endpoint's close) must answer the next command
 * from the process's new place, not with "connection to process lost mid-request".
 */
class IdleFrontAcrossMigrationTest {
    @Test
    void shouldAnswerTheFirstCommandAfterAnIdleMigrationFromTheNewPlace() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).start()) {
            ProcessInfo kv = c.deployKv("idle", "n1");
            InetSocketAddress oldData = CaravanCluster.dataAddress(kv);
            try (Socket s = new Socket()) {
                s.connect(CaravanCluster.frontAddress(kv), 5000);
                s.setSoTimeout(20_000);
                RespCommandWriter out = new RespCommandWriter(s.getOutputStream());
                RespReplyReader in = new RespReplyReader(s.getInputStream());
                out.write(Command.of("SET", "k", "v"));
                out.flush();
                assertThat(in.read()).isEqualTo(Reply.OK);

                MigrationReport r = MigrationTest.migrate(c, "idle", "n2", MigrationMode.PRE_COPY, "");
                assertThat(r.outcome()).as(r.detail()).isEqualTo(MigrationOutcome.COMMITTED);
                // The old data endpoint answers MOVED for a while, then closes its connections (the pooled link too).
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> refuses(oldData));

                out.write(Command.of("GET", "k"));
                out.flush();
                assertThat(in.read()).as("not 'connection to process lost mid-request'").isEqualTo(Reply.bulk("v"));
            }
        }
    }

    private static boolean refuses(InetSocketAddress at) {
        try (Socket probe = new Socket()) {
            probe.connect(at, 1000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
