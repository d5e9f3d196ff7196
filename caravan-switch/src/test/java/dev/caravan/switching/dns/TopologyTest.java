package dev.caravan.switching.dns;

import dev.caravan.wire.CaravanException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopologyTest {
    private static InetAddress ip(String s) throws UnknownHostException {
        return InetAddress.getByName(s);
    }

    @Test
    void shouldApplyTheLongestMatchingSubnet() throws UnknownHostException {
        Topology t = Topology.parse("""
                # comment
                10.0.0.0/8   n1 n2
                10.1.0.0/16  n2      # more specific
                fd00::/8     n3
                """, "t");

        assertThat(t.rank(ip("10.1.2.3"), "n2")).isZero();
        assertThat(t.rank(ip("10.1.2.3"), "n1")).as("not listed in the applying rule").isEqualTo(1);
        assertThat(t.rank(ip("10.2.0.1"), "n1")).isZero();
        assertThat(t.rank(ip("10.2.0.1"), "n2")).isEqualTo(1);
        assertThat(t.rank(ip("fd12::1"), "n3")).isZero();
        assertThat(t.rank(ip("192.168.0.1"), "n3")).as("no rule: all equal").isZero();
    }

    @Test
    void shouldRankByZoneAndKeepOneClientOnOneReplicaAmongEquals() throws UnknownHostException {
        Topology t = Topology.parse("zone eu n1 n2\nzone us n3\n10.0.0.0/8 zone:us zone:eu\n", "t");
        List<Replica> replicas = List.of(new Replica("a", "n1", ip("127.0.0.11"), 1), new Replica("b", "n2", ip("127.0.0.12"), 1),
                new Replica("c", "n3", ip("127.0.0.13"), 1));

        assertThat(t.order(ip("10.0.0.1"), replicas).getFirst().process()).isEqualTo("c");
        assertThat(t.order(ip("10.0.0.1"), replicas).getLast().node()).isIn("n1", "n2");
        assertThat(t.order(ip("10.0.0.1"), replicas)).isEqualTo(t.order(ip("10.0.0.1"), replicas.reversed()));
        long distinctFirsts = java.util.stream.IntStream.range(1, 60)
                .mapToObj(i -> Topology.NONE.order(ipUnchecked("192.168.0." + i), replicas).getFirst().process()).distinct().count();
        assertThat(distinctFirsts).as("clients spread over equally close replicas").isEqualTo(3);
    }

    @Test
    void shouldRankAReplicaOnTheClientsOwnAddressFirstWithSameHost() throws UnknownHostException {
        Topology t = Topology.parse("10.213.7.0/24 same-host n1 n2\n", "t");
        Replica onH2 = new Replica("a", "n1", ip("10.213.7.3"), 7001);
        Replica onH3 = new Replica("b", "n2", ip("10.213.7.4"), 7001);
        List<Replica> both = List.of(onH2, onH3);

        assertThat(t.order(ip("10.213.7.4"), both)).as("h3's client: its own host's replica, though n1 is preferred")
                .containsExactly(onH3, onH2);
        assertThat(t.rank(ip("10.213.7.4"), onH3)).isZero();
        assertThat(t.rank(ip("10.213.7.4"), onH2)).isEqualTo(1);
        assertThat(t.order(ip("10.213.7.3"), both)).containsExactly(onH2, onH3);
        assertThat(t.order(ip("10.213.7.9"), both)).as("no replica on the client's host: the order after it").containsExactly(onH2, onH3);
        assertThat(t.rank(ip("10.213.7.9"), onH3)).isEqualTo(2);
        assertThat(t.rank(ip("10.213.7.4"), "n2")).as("by node alone, same-host never matches").isEqualTo(2);
    }

    private static InetAddress ipUnchecked(String s) {
        try {
            return ip(s);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldRefuseAWrongFileNamingTheLine() {
        assertThatThrownBy(() -> Topology.parse("10.1.2.3/16 n1\n", "f")).isInstanceOf(CaravanException.class)
                .hasMessageContaining("f:1").hasMessageContaining("bits set");
        assertThatThrownBy(() -> Topology.parse("\n10.0.0.0/33 n1\n", "f")).hasMessageContaining("f:2").hasMessageContaining("0..32");
        assertThatThrownBy(() -> Topology.parse("10.0.0.0/8 zone:eu\n", "f")).hasMessageContaining("zone:eu is not declared");
        assertThatThrownBy(() -> Topology.parse("zone a n1\nzone b n1\n", "f")).hasMessageContaining("already in zone a");
        assertThatThrownBy(() -> Topology.parse("10.0.0.0/8 n1\n10.0.0.0/8 n2\n", "f")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> Topology.parse("web.example n1\n", "f")).hasMessageContaining("not a subnet");
        assertThatThrownBy(() -> Topology.parse("10.0.0.0/8\n", "f")).hasMessageContaining("needs at least one node");
    }
}
