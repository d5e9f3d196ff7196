package dev.caravan.cli;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.switching.SwitchDaemon;
import dev.caravan.switching.config.SwitchConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code caravan switch …} control commands against an in-process switch (no front ends, in-memory naming). */
class SwitchCliTest {
    @TempDir
    Path state;
    private final LocalNamingService naming = new LocalNamingService();
    private SwitchDaemon daemon;
    private String admin;

    @BeforeEach
    void start() throws Exception {
        daemon = SwitchDaemon.start(new SwitchConfig("s1", "127.0.0.1", 0, state, 5_000, false, 60_000, "", List.of()),
                naming, Clock.system());
        admin = daemon.adminHostPort();
    }

    @AfterEach
    void stop() {
        daemon.close();
        naming.close();
    }

    @Test
    void shouldListNoFrontEndsAsTableAndJson() {
        Console.Result table = Console.run("switch", "frontends", "--switch", admin);
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("NAME").contains("(no front ends");
        Console.Result json = Console.run("switch", "backends", "--switch", admin, "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"backends\" : [ ]");
    }

    @Test
    void shouldReportAnUnknownBackendInOneLine() {
        Console.Result r = Console.run("switch", "drain", "nobody", "--switch", admin);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("caravan: no front end has a backend nobody").endsWith("[NOT_FOUND]")
                .doesNotContain("\n");
        Console.Result weight = Console.run("switch", "weight", "nobody", "0", "--switch", admin);
        assertThat(weight.err().strip()).isEqualTo("caravan: weight 0 outside 1..256 [INVALID_ARGUMENT]");
    }

    @Test
    void shouldSayWhenNoSwitchAnswers() {
        Console.Result r = Console.run("switch", "frontends", "--switch", "127.0.0.1:1");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("caravan: switch admin API at http://127.0.0.1:1 does not answer").doesNotContain("\n");
    }

    @Test
    void shouldRefuseABadConfigFileBeforeStarting() {
        Console.Result r = Console.run("switch", "serve", "--config", state.resolve("missing.json").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).contains("missing.json: no such config file [NOT_FOUND]").doesNotContain("\n");
    }

    @Test
    void shouldAddAFrontEndFromOptionsAndRemoveIt() {
        Console.Result added = Console.run("switch", "add", "shop", "--listen", "127.0.0.1:0", "--protocol", "http", "--mode", "content",
                "--backends", "prefix:shop", "--policy", "affinity", "--affinity", "cookie:SID", "--max-conn", "7", "--switch", admin);
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out().strip()).startsWith("front end shop listening on 127.0.0.1:").contains("(http, content; prefix:shop affinity)");
        var shop = daemon.frontend("shop").orElseThrow();
        assertThat(shop.spec().routes().getFirst().affinity().name()).isEqualTo("SID");
        assertThat(shop.spec().limits().maxConnectionsPerBackend()).isEqualTo(7);

        Console.Result taken = Console.run("switch", "add", "shop", "--listen", "127.0.0.1:0", "--protocol", "tcp", "--mode", "transport",
                "--backends", "name:x", "--switch", admin);
        assertThat(taken.exitCode()).isEqualTo(1);
        assertThat(taken.err().strip()).isEqualTo("caravan: front end shop already exists; remove it first ('caravan switch remove shop') [ALREADY_EXISTS]");

        Console.Result removed = Console.run("switch", "remove", "shop", "--switch", admin, "--json");
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("\"removed\" : \"shop\"");
        assertThat(daemon.frontend("shop")).isEmpty();
        Console.Result again = Console.run("switch", "remove", "shop", "--switch", admin);
        assertThat(again.err().strip()).isEqualTo("caravan: no front end shop; see caravan switch frontends [NOT_FOUND]");
    }

    @Test
    void shouldRefuseABadSelectorAndAffinityInOneLineBeforeAskingTheSwitch() {
        Console.Result selector = Console.run("switch", "add", "x", "--listen", "127.0.0.1:0", "--protocol", "tcp", "--mode", "transport",
                "--backends", "web", "--switch", "127.0.0.1:1");
        assertThat(selector.exitCode()).isEqualTo(1);
        assertThat(selector.err().strip()).startsWith("caravan: options: backends: backend selector 'web' not understood")
                .endsWith("[INVALID_ARGUMENT]").doesNotContain("\n");
        Console.Result affinity = Console.run("switch", "add", "x", "--listen", "127.0.0.1:0", "--protocol", "http", "--mode", "content",
                "--backends", "prefix:x", "--affinity", "cookie", "--switch", "127.0.0.1:1");
        assertThat(affinity.err().strip()).isEqualTo("caravan: --affinity 'cookie' not understood; use client-address, cookie:NAME,"
                + " header:NAME, path or resp-key [INVALID_ARGUMENT]");
        Console.Result missing = Console.run("switch", "add", "x", "--listen", "127.0.0.1:0", "--switch", "127.0.0.1:1");
        assertThat(missing.err().strip()).startsWith("caravan: missing --protocol").doesNotContain("\n");
    }

    @Test
    void shouldSayWhenTheAddressIsTaken() throws Exception {
        try (java.net.ServerSocket squatter = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Console.Result r = Console.run("switch", "add", "raw", "--listen", "127.0.0.1:" + squatter.getLocalPort(), "--protocol",
                    "tcp", "--mode", "transport", "--backends", "name:echo", "--switch", admin);
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err().strip()).startsWith("caravan: ").contains(String.valueOf(squatter.getLocalPort()))
                    .endsWith("[UNAVAILABLE]").doesNotContain("\n");
        }
        assertThat(daemon.frontends()).isEmpty();
    }

    @Test
    void shouldAddTheOneFrontEndOfAConfigFile() throws Exception {
        Path file = state.resolve("api.json");
        java.nio.file.Files.writeString(file, """
                {"version": 1, "frontends": [{"name": "api", "listen": "127.0.0.1:0", "protocol": "http", "mode": "content",
                  "routes": [{"match": {"pathPrefix": "/v1"}, "backends": "label:app=v1"}, {"backends": "label:app=v2"}]}]}""");
        Console.Result mixed = Console.run("switch", "add", "--config", file.toString(), "--policy", "affinity", "--switch", admin);
        assertThat(mixed.err().strip()).isEqualTo("caravan: --config gives the whole front end; drop --policy [INVALID_ARGUMENT]");

        Console.Result r = Console.run("switch", "add", "--config", file.toString(), "--switch", admin, "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"name\" : \"api\"");
        assertThat(daemon.frontend("api").orElseThrow().spec().routes()).hasSize(2);

        Console.Result missing = Console.run("switch", "add", "--config", state.resolve("none.json").toString(), "--switch", admin);
        assertThat(missing.err().strip()).endsWith("none.json: no such file [NOT_FOUND]");
    }

    @Test
    void shouldListAProcessFrontEndsProcessAsItsBackend() throws Exception {
        long lease = naming.openLease("n1", 60_000).id();
        naming.register(lease, new dev.caravan.naming.NamingEntry("process/kv1", "n1", "127.0.0.1", 7001, 1, java.util.Map.of()));
        try (SwitchDaemon withFronts = SwitchDaemon.start(new SwitchConfig("s2", "127.0.0.1", 0, state.resolve("s2"), 5_000, true,
                60_000, "", List.of()), naming, Clock.system())) {
            Console.Result r = Console.run("switch", "backends", "--switch", withFronts.adminHostPort());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("process-kv1").contains("kv1").contains("127.0.0.1:7001").contains("n1")
                    .doesNotContain("(no backends)");
        }
    }
}
