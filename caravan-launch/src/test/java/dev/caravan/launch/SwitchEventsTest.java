package dev.caravan.launch;

import dev.caravan.observe.Event;
import dev.caravan.observe.EventKind;
import dev.caravan.observe.EventLog;
import dev.caravan.switching.AdminState;
import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.BackendStatus;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Frontend;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.switching.Route;
import dev.caravan.switching.admin.SwitchAdmin;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The switch publishes each change it sees: front ends, backends joining, leaving, up, down, drained, weighted. */
class SwitchEventsTest {
    private final FakeSwitch sw = new FakeSwitch();
    private final EventLog log = new EventLog("switch/s1");
    private final SwitchEvents events = new SwitchEvents(sw, log);

    @Test
    void shouldPublishWhatChangedBetweenTwoLooks() {
        sw.frontends.add(frontend("web", 8080));
        sw.backends.put("web-1", status("web-1", AdminState.READY, true, 1));
        events.poll();
        assertThat(kinds()).containsExactly("frontend-added web", "backend-added web-1");

        events.poll();
        assertThat(kinds()).as("nothing changed, nothing published").hasSize(2);

        sw.backends.put("web-1", status("web-1", AdminState.DRAIN, false, 5));
        sw.backends.put("web-2", status("web-2", AdminState.READY, true, 1));
        events.poll();
        assertThat(kinds()).containsExactly("frontend-added web", "backend-added web-1", "backend-down web-1",
                "backend-drained web-1", "backend-weight-changed web-1", "backend-added web-2");
        Event weight = log.since(0).get(4);
        assertThat(weight.fields()).containsEntry("weight", "5").containsEntry("previous", "1").containsEntry("frontend", "web");
        assertThat(weight.message()).isEqualTo("backend web-1 of web: weight 1 → 5");

        sw.backends.put("web-1", status("web-1", AdminState.READY, true, 5));
        sw.backends.remove("web-2");
        events.poll();
        assertThat(kinds().subList(6, kinds().size())).containsExactly("backend-removed web-2", "backend-up web-1",
                "backend-admin-changed web-1");

        sw.frontends.clear();
        sw.backends.clear();
        events.poll();
        assertThat(kinds().subList(9, kinds().size())).containsExactly("backend-removed web-1", "frontend-removed web");
        assertThat(log.since(0)).allSatisfy(e -> assertThat(e.source()).isEqualTo("switch/s1"));
        assertThat(log.since(0)).noneMatch(e -> e.kind() == EventKind.NOTICE);
    }

    @Test
    void shouldPublishABackendMovedWithOldAndNewAddressWhenItsAddressChanges() {
        sw.frontends.add(frontend("kv", 6380));
        sw.backends.put("kv1", new BackendStatus("kv1", "127.0.0.1:7001", "n1", AdminState.READY, true, 1, 1, 0, 0, 0));
        events.poll();

        sw.backends.put("kv1", new BackendStatus("kv1", "127.0.0.1:7002", "n2", AdminState.READY, true, 1, 1, 0, 0, 0));
        events.poll();

        assertThat(kinds()).containsExactly("frontend-added kv", "backend-added kv1", "backend-moved kv1");
        Event moved = log.since(0).get(2);
        assertThat(moved.fields()).containsEntry("address", "127.0.0.1:7002").containsEntry("previous", "127.0.0.1:7001")
                .containsEntry("node", "n2").containsEntry("previousNode", "n1").containsEntry("frontend", "kv");
        assertThat(moved.message()).isEqualTo("backend kv1 of kv moved: 127.0.0.1:7001 → 127.0.0.1:7002 on n2");
        events.poll();
        assertThat(kinds()).as("the same address again is no move").hasSize(3);
    }

    @Test
    void shouldPublishABackendSplicedInsteadOfHandedOffAndBackAgain() {
        sw.frontends.add(frontend("web", 8080));
        sw.backends.put("web-1", status("web-1", AdminState.READY, true, 1));
        sw.modes.put("web-1", "handoff");
        sw.backends.put("web-2", status("web-2", AdminState.READY, true, 1));
        sw.modes.put("web-2", "splice (other host)");
        events.poll();
        assertThat(kinds()).as("a new backend's ordinary mode is no news; a splice is").containsExactly("frontend-added web",
                "backend-added web-1", "backend-added web-2", "backend-mode-changed web-2");
        Event spliced = log.since(0).get(3);
        assertThat(spliced.fields()).containsEntry("mode", "splice (other host)").containsEntry("previous", "")
                .containsEntry("node", "n1").containsEntry("frontend", "web");
        assertThat(spliced.message()).isEqualTo(
                "backend web-2 on n1 of web: clients are spliced by the switch, not handed off: splice (other host)");

        sw.modes.put("web-1", "splice (refused by node)");
        sw.modes.put("web-2", "handoff");
        events.poll();
        assertThat(kinds().subList(4, kinds().size())).containsExactly("backend-mode-changed web-1", "backend-mode-changed web-2");
        assertThat(log.since(0).get(5).message()).isEqualTo("backend web-2 on n1 of web: clients are served by handoff"
                + " (was splice (other host))");
        events.poll();
        assertThat(kinds()).as("unchanged modes publish nothing").hasSize(6);
    }

    private List<String> kinds() {
        return log.since(0).stream().map(e -> e.kind().label() + " " + e.subject()).toList();
    }

    private static BackendStatus status(String id, AdminState admin, boolean healthy, int weight) {
        return new BackendStatus(id, "127.0.0.1:700" + id.charAt(id.length() - 1), "n1", admin, healthy, weight, weight, 0, 0, 0);
    }

    private static Frontend frontend(String name, int port) {
        FrontendSpec spec = new FrontendSpec(name, new InetSocketAddress("127.0.0.1", port), FrontendProtocol.TCP,
                DispatchMode.TRANSPORT, List.of(new Route(Route.RouteMatch.ANY, BackendSelector.parse("prefix:web"),
                PolicyKind.ROUND_ROBIN, null)), FrontendSpec.BackendLimits.DEFAULTS);
        return new Frontend() {
            @Override
            public FrontendSpec spec() {
                return spec;
            }

            @Override
            public InetSocketAddress address() {
                return spec.listen();
            }

            @Override
            public int clientConnections() {
                return 0;
            }

            @Override
            public long dispatched() {
                return 0;
            }

            @Override
            public long refused() {
                return 0;
            }

            @Override
            public void close() {
            }
        };
    }

    /** A switch whose front ends and backends the test sets. */
    private static final class FakeSwitch implements SwitchAdmin {
        final List<Frontend> frontends = new ArrayList<>();
        final Map<String, BackendStatus> backends = new LinkedHashMap<>();
        final Map<String, String> modes = new LinkedHashMap<>();

        @Override
        public List<Frontend> frontends() {
            return List.copyOf(frontends);
        }

        @Override
        public List<RouteBackend> backends(String frontend) {
            return backends.values().stream().map(b -> new RouteBackend(frontend, 0, "prefix:web", b,
                    modes.getOrDefault(b.id(), ""))).toList();
        }

        @Override
        public Frontend declare(FrontendSpec spec) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void remove(String frontend) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setWeight(String backendId, int weight) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setAdminState(String backendId, AdminState state) {
            throw new UnsupportedOperationException();
        }
    }
}
