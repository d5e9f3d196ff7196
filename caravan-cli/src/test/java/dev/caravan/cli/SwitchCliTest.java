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
}
