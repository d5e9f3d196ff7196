package dev.caravan.switching;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.switching.admin.AdminClient;
import dev.caravan.switching.config.SwitchConfig;
import dev.caravan.switching.config.SwitchConfigFile;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The daemon with fake front ends and pools on an in-memory naming service. */
class SwitchDaemonTest {
    private static final String WEB = """
            {"version": 1, "frontends": [{"name": "web", "listen": "127.0.0.1:0", "protocol": "http", "mode": "content",
              "backends": "label:app=web"}]}""";

    @TempDir
    Path state;
    private final LocalNamingService naming = new LocalNamingService();
    private final long nodeLease = naming.openLease("node", 60_000).id();
    private final FakePools pools = new FakePools();
    private final List<FakeFrontend> started = new ArrayList<>();
    private final List<SwitchDaemon> daemons = new ArrayList<>();

    @AfterEach
    void close() {
        daemons.forEach(SwitchDaemon::close);
        naming.close();
    }

    private SwitchDaemon start(boolean processFronts, long graceMs, List<FrontendSpec> frontends) throws Exception {
        SwitchConfig config = new SwitchConfig("s1", "127.0.0.1", 0, state, 5_000, processFronts, graceMs, "", frontends);
        SwitchDaemon d = SwitchDaemon.start(config, naming, Clock.system(), (spec, ctx) -> {
            FakeFrontend f = new FakeFrontend(spec, ctx);
            started.add(f);
            return f;
        }, pools);
        daemons.add(d);
        return d;
    }

    private void process(String name, int port, Map<String, String> attributes) {
        naming.register(nodeLease, new NamingEntry("process/" + name, "n1", "127.0.0.1", port, 1, attributes));
    }

    private AdminClient admin(SwitchDaemon d) {
        return new AdminClient(d.adminAddress(), "", Duration.ofSeconds(5));
    }

    @Test
    void shouldRegisterItselfInNamingWithItsAdminAddress() throws Exception {
        SwitchDaemon d = start(false, 0, List.of());
        NamingEntry e = naming.lookup("switch/s1").orElseThrow();
        assertThat(e.port()).isEqualTo(d.adminAddress().getPort());
        assertThat(e.attribute("admin")).isEqualTo("127.0.0.1:" + d.adminAddress().getPort());
        assertThat(e.attribute("role")).isEqualTo("switch");
        assertThat(AdminClient.find(naming, null)).isEqualTo(d.adminAddress());

        d.close();
        assertThat(naming.lookup("switch/s1")).isEmpty();
    }

    @Test
    void shouldFeedEachRouteItsBackendsAndControlThemThroughTheAdminApi() throws Exception {
        process("web-1", 7001, Map.of("label.app", "web"));
        SwitchDaemon d = start(false, 0, SwitchConfigFile.parse(WEB, "test"));
        FakePools.Fake pool = pools.byFrontend.get("web");
        assertThat(pool.backends).extracting(Backend::id).containsExactly("web-1");

        process("web-2", 7002, Map.of("label.app", "web"));
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.backends.size() == 2);

        JsonNode backends = admin(d).get("/backends").get("backends");
        assertThat(backends).hasSize(2);
        assertThat(backends.get(1).get("address").asText()).isEqualTo("127.0.0.1:7002");
        admin(d).post("/backends/web-2/drain", null);
        admin(d).post("/backends/web-1/weight?value=5", null);
        assertThat(pool.calls).containsExactly("DRAIN web-2", "weight web-1 5");
        assertThatThrownBy(() -> admin(d).post("/backends/nobody/enable", null))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void shouldDeclareAndRemoveFrontEndsAtRuntime() throws Exception {
        SwitchDaemon d = start(false, 0, List.of());
        JsonNode created = admin(d).post("/frontends", "{\"name\": \"raw\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"tcp\","
                + " \"mode\": \"transport\", \"backends\": \"name:echo\"}").get("frontend");
        assertThat(created.get("name").asText()).isEqualTo("raw");
        assertThat(created.get("address").asText()).doesNotEndWith(":0");
        assertThat(admin(d).get("/frontends").get("frontends")).hasSize(1);
        assertThatThrownBy(() -> admin(d).post("/frontends", "{\"name\": \"raw\", \"listen\": \"127.0.0.1:0\","
                + " \"protocol\": \"tcp\", \"mode\": \"transport\", \"backends\": \"name:echo\"}"))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));

        admin(d).delete("/frontends/raw");
        assertThat(started.getFirst().closed).isTrue();
        assertThat(pools.byFrontend.get("raw").closed).as("the route's pool is closed with its front end").isTrue();
        assertThat(admin(d).get("/frontends").get("frontends")).isEmpty();
    }

    @Test
    void shouldRollBackAStartWhoseFrontEndCannotBind() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String cfg = WEB.replace("127.0.0.1:0", "127.0.0.1:" + taken.getLocalPort());
            assertThatThrownBy(() -> start(false, 0, SwitchConfigFile.parse(cfg, "test")))
                    .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        }
        assertThat(naming.list("switch/")).isEmpty();
        assertThat(naming.leaseCount()).as("only the test's node lease is left").isEqualTo(1);
    }

    @Test
    void shouldOpenAProcessFrontEndForEveryProcessAndRegisterIt() throws Exception {
        process("kv1", 7001, Map.of());
        SwitchDaemon d = start(true, 60_000, List.of());
        Frontend f = d.frontend("process-kv1").orElseThrow();
        assertThat(f.spec().mode()).isEqualTo(DispatchMode.PROCESS);
        assertThat(f.spec().protocol()).isEqualTo(FrontendProtocol.RESP);
        assertThat(f.spec().routes().getFirst().backends().toString()).isEqualTo("name:kv1");
        NamingEntry front = naming.lookup("front/kv1").orElseThrow();
        assertThat(front.port()).isEqualTo(f.address().getPort());
        assertThat(front.attribute("switch")).isEqualTo("s1");

        process("kv2", 7002, Map.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> naming.lookup("front/kv2").isPresent());
        assertThat(d.frontend("process-kv2")).isPresent();
        assertThat(Files.readString(state.resolve(ProcessPortStore.FILE_NAME))).contains("\"kv1\"").contains("\"kv2\"");
    }

    @Test
    void shouldBindTheSamePortsAfterARestart() throws Exception {
        process("kv1", 7001, Map.of());
        SwitchDaemon first = start(true, 60_000, List.of());
        int port = first.frontend("process-kv1").orElseThrow().address().getPort();
        first.close();
        assertThat(naming.lookup("front/kv1")).isEmpty();

        SwitchDaemon second = start(true, 60_000, List.of());
        assertThat(second.frontend("process-kv1").orElseThrow().address().getPort()).isEqualTo(port);
        assertThat(naming.lookup("front/kv1").orElseThrow().port()).isEqualTo(port);
    }

    @Test
    void shouldReplaceTheEntriesOfADeadPredecessorWhoseLeaseStillLives() throws Exception {
        process("kv1", 7001, Map.of());
        SwitchDaemon first = start(true, 60_000, List.of());
        int port = first.frontend("process-kv1").orElseThrow().address().getPort();
        // As if killed: the front ends and admin API close, but its lease and entries stay in naming.
        first.frontend("process-kv1").orElseThrow().close();
        long before = naming.lookup("front/kv1").orElseThrow().epoch();

        await().atMost(Duration.ofSeconds(5)).until(() -> Clock.system().nowMs() > before);
        SwitchDaemon second = start(true, 60_000, List.of());
        NamingEntry front = naming.lookup("front/kv1").orElseThrow();
        assertThat(front.epoch()).isGreaterThan(before);
        assertThat(front.port()).isEqualTo(port);
        assertThat(naming.lookup("switch/s1").orElseThrow().port()).isEqualTo(second.adminAddress().getPort());
    }

    @Test
    void shouldPickANewPortWhenTheRememberedOneIsTaken() throws Exception {
        process("kv1", 7001, Map.of());
        SwitchDaemon first = start(true, 60_000, List.of());
        int port = first.frontend("process-kv1").orElseThrow().address().getPort();
        first.close();
        try (ServerSocket squatter = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            SwitchDaemon second = start(true, 60_000, List.of());
            int now = second.frontend("process-kv1").orElseThrow().address().getPort();
            assertThat(now).isNotEqualTo(port).isNotZero();
            assertThat(naming.lookup("front/kv1").orElseThrow().port()).isEqualTo(now);
            assertThat(squatter.isBound()).isTrue();
        }
    }

    @Test
    void shouldCloseAProcessFrontEndOnlyAfterTheGracePeriod() throws Exception {
        process("kv1", 7001, Map.of());
        process("kv2", 7002, Map.of());
        // 2 s of grace: kv1's REMOVED and PUT must both be handled within it, on a loaded machine too.
        SwitchDaemon d = start(true, 2_000, List.of());
        // Gone and back within the grace period (a migration's re-registration): the front end stays.
        naming.unregister(nodeLease, "process/kv1", 1);
        process("kv1", 7001, Map.of());
        naming.unregister(nodeLease, "process/kv2", 1);

        await().atMost(Duration.ofSeconds(15)).until(() -> d.frontend("process-kv2").isEmpty());
        assertThat(naming.lookup("front/kv2")).isEmpty();
        assertThat(d.frontend("process-kv1")).isPresent();
        assertThat(naming.lookup("front/kv1")).isPresent();
        assertThat(Files.readString(state.resolve(ProcessPortStore.FILE_NAME))).doesNotContain("\"kv2\"");
    }

    @Test
    void shouldOpenNoProcessFrontEndsWhenSwitchedOff() throws Exception {
        process("kv1", 7001, Map.of());
        SwitchDaemon d = start(false, 60_000, List.of());
        assertThat(d.frontends()).isEmpty();
        assertThat(naming.lookup("front/kv1")).isEqualTo(Optional.empty());
    }

    private static Map<String, String> http(String service) {
        return service == null ? Map.of("protocol", "http") : Map.of("protocol", "http", "label.service", service);
    }

    @Test
    void shouldGiveAnHttpServiceOneContentAwareFrontEndAndItsMembersItsAddress() throws Exception {
        process("web-1", 7001, http("web"));
        process("web-2", 7002, http("web"));
        process("kv1", 7101, Map.of("protocol", "resp"));
        process("solo", 7201, http(null));
        SwitchDaemon d = start(true, 60_000, List.of());

        Frontend web = d.frontend("service-web").orElseThrow();
        assertThat(web.spec().protocol()).isEqualTo(FrontendProtocol.HTTP);
        assertThat(web.spec().mode()).isEqualTo(DispatchMode.CONTENT);
        assertThat(web.spec().routes().getFirst().backends().toString()).isEqualTo("label:service=web");
        assertThat(web.spec().routes().getFirst().policy()).isEqualTo(dev.caravan.switching.policy.PolicyKind.ROUND_ROBIN);
        assertThat(pools.byFrontend.get("service-web").backends).extracting(Backend::id).containsExactlyInAnyOrder("web-1", "web-2");
        assertThat(d.frontends()).extracting(f -> f.spec().name()).containsExactly("process-kv1", "service-web");
        for (String member : List.of("web-1", "web-2")) {
            NamingEntry front = naming.lookup("front/" + member).orElseThrow();
            assertThat(front.port()).as(member + " is reached at its service's front end").isEqualTo(web.address().getPort());
        }
        assertThat(naming.lookup("front/solo")).as("an HTTP process with no service has no front end").isEmpty();
        assertThat(naming.lookup("front/kv1").orElseThrow().port()).isEqualTo(d.frontend("process-kv1").orElseThrow().address().getPort());

        process("web-3", 7003, http("web"));
        await().atMost(Duration.ofSeconds(5)).until(() -> naming.lookup("front/web-3").isPresent());
        assertThat(naming.lookup("front/web-3").orElseThrow().port()).isEqualTo(web.address().getPort());
        assertThat(started).extracting(f -> f.spec().name()).filteredOn(n -> n.startsWith("service-")).hasSize(1);
    }

    @Test
    void shouldGiveARespServiceNoFrontEndButEachMemberItsOwn() throws Exception {
        process("shard-1", 7001, Map.of("protocol", "resp", "label.service", "cache"));
        process("shard-2", 7002, Map.of("protocol", "resp", "label.service", "cache"));
        SwitchDaemon d = start(true, 60_000, List.of());
        assertThat(d.frontends()).extracting(f -> f.spec().name()).containsExactly("process-shard-1", "process-shard-2");
    }

    @Test
    void shouldCloseAServiceFrontEndOnlyWhenItHasHadNoProcessForTheGracePeriod() throws Exception {
        process("web-1", 7001, http("web"));
        process("web-2", 7002, http("web"));
        SwitchDaemon d = start(true, 300, List.of());
        naming.unregister(nodeLease, "process/web-1", 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> naming.lookup("front/web-1").isEmpty());
        assertThat(d.frontend("service-web")).as("web-2 still serves").isPresent();
        assertThat(naming.lookup("front/web-2")).isPresent();

        // The last member leaves and one comes back within the grace period (a migration): the front end stays.
        naming.unregister(nodeLease, "process/web-2", 1);
        process("web-2", 7012, http("web"));
        naming.unregister(nodeLease, "process/web-2", 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> d.frontend("service-web").isEmpty());
        assertThat(naming.lookup("front/web-2")).isEmpty();
        assertThat(started.stream().filter(f -> f.spec().name().equals("service-web")).findFirst().orElseThrow().closed).isTrue();
        assertThat(Files.readString(state.resolve(ProcessPortStore.FILE_NAME))).doesNotContain("\"web\"");
    }

    @Test
    void shouldBindTheSameServicePortAfterARestart() throws Exception {
        process("web-1", 7001, http("web"));
        SwitchDaemon first = start(true, 60_000, List.of());
        int port = first.frontend("service-web").orElseThrow().address().getPort();
        first.close();

        SwitchDaemon second = start(true, 60_000, List.of());
        assertThat(second.frontend("service-web").orElseThrow().address().getPort()).isEqualTo(port);
        assertThat(naming.lookup("front/web-1").orElseThrow().port()).isEqualTo(port);
    }

    @Test
    void shouldMoveAProcessWhoseProtocolChangedToTheRightFrontEnd() throws Exception {
        process("x", 7001, Map.of());
        SwitchDaemon d = start(true, 60_000, List.of());
        assertThat(d.frontend("process-x")).isPresent();

        process("x", 7001, http("svc"));
        await().atMost(Duration.ofSeconds(5)).until(() -> d.frontend("service-svc").isPresent() && d.frontend("process-x").isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> naming.lookup("front/x").orElseThrow().port()
                == d.frontend("service-svc").orElseThrow().address().getPort());
    }

    @Test
    void shouldListAProcessFrontEndsProcessAsItsBackend() throws Exception {
        process("kv1", 7001, Map.of());
        SwitchDaemon d = start(true, 60_000, List.of());
        JsonNode backends = admin(d).get("/backends").get("backends");
        assertThat(backends).hasSize(1);
        JsonNode kv1 = backends.get(0);
        assertThat(kv1.get("frontend").asText()).isEqualTo("process-kv1");
        assertThat(kv1.get("id").asText()).isEqualTo("kv1");
        assertThat(kv1.get("address").asText()).isEqualTo("127.0.0.1:7001");
        assertThat(kv1.get("node").asText()).isEqualTo("n1");
        assertThat(kv1.get("healthy").asBoolean()).isTrue();
        assertThatThrownBy(() -> admin(d).post("/backends/kv1/drain", null))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.getMessage())
                        .contains("process front end process-kv1").contains("caravan drain NODE"));
    }
}
