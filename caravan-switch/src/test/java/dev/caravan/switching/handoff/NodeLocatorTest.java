package dev.caravan.switching.handoff;

import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.servers.handoff.HostIdentity;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The host rule: a switch hands a client to a node only when both have the same host identity
 * (machine and network namespace) — not when the node's address merely looks local, since every
 * namespace has its own 127.0.0.1 and a Unix socket path is reachable from all of them.
 */
class NodeLocatorTest {
    private static final String SWITCH_HOST = "aaaaaaaaaaaaaaaa";
    private static final String OTHER_HOST = "bbbbbbbbbbbbbbbb";
    private static final String SOCKET = "/var/lib/caravan/n1/handoff.sock";

    private static NamingEntry node(String host, String hostId, String socket) {
        Map<String, String> attributes = new HashMap<>(Map.of("role", "node", "host", host));
        if (hostId != null) {
            attributes.put(HostIdentity.ATTRIBUTE, hostId);
        }
        if (socket != null) {
            attributes.put("handoff", socket);
        }
        return new NamingEntry("node/n1", "n1", host, 7001, 0, attributes);
    }

    @Test
    void shouldHandOffToANodeWithTheSwitchsHostIdentity() {
        NodeLocator.Found f = NodeLocator.decide(node("10.213.7.2", SWITCH_HOST, SOCKET), SWITCH_HOST);
        assertThat(f.mode()).isEqualTo(NodeLocator.HANDOFF);
        assertThat(f.socket()).isEqualTo(Path.of(SOCKET));
        assertThat(f.node()).isEqualTo("n1");
    }

    @Test
    void shouldSpliceForANodeInAnotherNamespaceEvenAtALoopbackAddress() {
        NodeLocator.Found f = NodeLocator.decide(node("127.0.0.1", OTHER_HOST, SOCKET), SWITCH_HOST);
        assertThat(f.mode()).isEqualTo(NodeLocator.SPLICE_OTHER_HOST).isEqualTo("splice (other host)");
        assertThat(f.socket()).isNull();
        assertThat(f.whyNot()).contains("node n1 is on another host", OTHER_HOST, SWITCH_HOST);
    }

    @Test
    void shouldJudgeANodeWithoutIdentityByItsAddress() {
        assertThat(NodeLocator.decide(node("127.0.0.1", null, SOCKET), SWITCH_HOST).mode()).isEqualTo(NodeLocator.HANDOFF);
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never an address of this machine.
        NodeLocator.Found remote = NodeLocator.decide(node("192.0.2.7", null, SOCKET), SWITCH_HOST);
        assertThat(remote.mode()).isEqualTo(NodeLocator.SPLICE_OTHER_HOST);
        assertThat(remote.whyNot()).contains("192.0.2.7 is not an address of this switch's host");
    }

    @Test
    void shouldJudgeByAddressWhenTheSwitchDoesNotKnowItsOwnIdentity() {
        assertThat(NodeLocator.decide(node("127.0.0.1", OTHER_HOST, SOCKET), "").mode()).isEqualTo(NodeLocator.HANDOFF);
        assertThat(NodeLocator.decide(node("192.0.2.7", OTHER_HOST, SOCKET), "").mode()).isEqualTo(NodeLocator.SPLICE_OTHER_HOST);
    }

    @Test
    void shouldSpliceForANodeOnThisHostWithoutAHandoffSocket() {
        NodeLocator.Found f = NodeLocator.decide(node("127.0.0.1", SWITCH_HOST, null), SWITCH_HOST);
        assertThat(f.mode()).isEqualTo(NodeLocator.SPLICE_NO_SOCKET);
        assertThat(f.whyNot()).isEqualTo("node n1 advertises no handoff socket");
    }

    @Test
    void shouldSayWhenTheNodeIsUnknownOrNotRegistered() {
        try (LocalNamingService naming = new LocalNamingService()) {
            NodeLocator locator = new NodeLocator(naming, SWITCH_HOST);
            assertThat(locator.find("").mode()).isEqualTo(NodeLocator.SPLICE_NODE_UNKNOWN);
            assertThat(locator.find("n9").whyNot()).isEqualTo("node n9 is not registered");
            long lease = naming.openLease("n1", 60_000).id();
            naming.register(lease, node("127.0.0.1", OTHER_HOST, SOCKET));
            assertThat(locator.find("n1").mode()).isEqualTo(NodeLocator.SPLICE_OTHER_HOST);
        }
    }
}
