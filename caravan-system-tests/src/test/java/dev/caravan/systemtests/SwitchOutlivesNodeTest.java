package dev.caravan.systemtests;

import dev.caravan.naming.NamingService;
import dev.caravan.naming.RemoteNamingService;
import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.switching.process.ProcessFrontend;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The maintenance case the node's stable endpoint cannot serve: the process moved off n1, then n1
 * is killed; clients connected to the switch's front end keep their connection and are served.
 */
class SwitchOutlivesNodeTest {
    @Test
    void shouldKeepServingTheSwitchesClientsWhenTheProcessesOldNodeIsKilled() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).start();
             NamingService naming = new RemoteNamingService(c.namingAddress(), new Hello("switch-test", ""), Duration.ofSeconds(5))) {
            c.deployKv("survivor", "n1");
            FrontendSpec spec = new FrontendSpec("survivor", new InetSocketAddress("127.0.0.1", 0), FrontendProtocol.RESP,
                    DispatchMode.PROCESS, List.of(new Route(Route.RouteMatch.ANY, BackendSelector.parse("name:survivor"),
                    PolicyKind.ROUND_ROBIN, null)), null);
            try (ProcessFrontend front = new ProcessFrontend(spec, SwitchProcessFrontendTest.context(naming));
                 SwitchProcessFrontendTest.Client client = new SwitchProcessFrontendTest.Client(front.address())) {
                assertThat(client.call("INCR", "n")).isEqualTo(Reply.integer(1));
                MigrationReport r = MigrationTest.migrate(c, "survivor", "n2", MigrationMode.PRE_COPY, "");
                assertThat(r.outcome()).as(r.detail()).isEqualTo(MigrationOutcome.COMMITTED);
                assertThat(client.call("INCR", "n")).isEqualTo(Reply.integer(2));

                c.killNode("n1");

                assertThat(client.call("INCR", "n")).as("the same client connection").isEqualTo(Reply.integer(3));
                try (SwitchProcessFrontendTest.Client late = new SwitchProcessFrontendTest.Client(front.address())) {
                    assertThat(late.call("INCR", "n")).as("a new client").isEqualTo(Reply.integer(4));
                }
                assertThat(front.refused()).isZero();
            }
        }
    }
}
