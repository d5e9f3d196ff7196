package dev.caravan.switching;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.switching.admin.AdminClient;
import dev.caravan.switching.config.SwitchConfig;
import dev.caravan.switching.shared.SharedFrontendCodec;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Two switch daemons (fake front ends, real admin API) on two loopback addresses sharing front ends through naming. */
class SharedFrontendsDaemonTest {
    @TempDir
    Path state;
    private final LocalNamingService naming = new LocalNamingService();
    private final List<SwitchDaemon> daemons = new ArrayList<>();

    @AfterEach
    void close() {
        daemons.forEach(SwitchDaemon::close);
        naming.close();
    }

    private SwitchDaemon start(String id, String host) throws Exception {
        SwitchConfig config = new SwitchConfig(id, host, 0, state.resolve(id), 1_000, false, 0, "", List.of());
        SwitchDaemon d = SwitchDaemon.start(config, naming, Clock.system(), FakeFrontend::new, new FakePools());
        daemons.add(d);
        return d;
    }

    private static AdminClient admin(SwitchDaemon d) {
        return new AdminClient(d.adminAddress(), "", Duration.ofSeconds(5));
    }

    @Test
    void shouldServeAFrontEndAddedOnOneSwitchOnTheOtherOnItsOwnAddressAndSamePort() throws Exception {
        SwitchDaemon s1 = start("s1", "127.0.0.1");
        SwitchDaemon s2 = start("s2", "127.0.0.2");

        JsonNode created = admin(s1).post("/frontends", "{\"name\": \"raw\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"tcp\","
                + " \"mode\": \"transport\", \"backends\": \"prefix:raw\"}");
        int port = Integer.parseInt(created.at("/frontend/address").asText().split(":")[1]);

        await().atMost(Duration.ofSeconds(5)).until(() -> s2.frontend("raw").isPresent());
        assertThat(s2.frontend("raw").orElseThrow().address()).isEqualTo(new InetSocketAddress("127.0.0.2", port));
        assertThat(admin(s2).get("/frontends").get("frontends").get(0).get("name").asText()).isEqualTo("raw");
        await().atMost(Duration.ofSeconds(5)).until(() -> "raw".equals(naming.lookup("switch/s2").orElseThrow().attribute("frontends")));
        assertThat(naming.lookup("switch/s1").orElseThrow().attribute("frontends")).isEqualTo("raw");
        // The same name on the other switch is one front end already.
        assertThatThrownBy(() -> admin(s2).post("/frontends", "{\"name\": \"raw\", \"listen\": \"127.0.0.2:0\", \"protocol\": \"tcp\","
                + " \"mode\": \"transport\", \"backends\": \"prefix:raw\"}"))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    }

    @Test
    void shouldKeepTheConfigurationWhenThePublishingSwitchStopsAndRemoveItFromAnyOther() throws Exception {
        SwitchDaemon s1 = start("s1", "127.0.0.1");
        SwitchDaemon s2 = start("s2", "127.0.0.2");
        admin(s1).post("/frontends", "{\"name\": \"raw\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"tcp\","
                + " \"mode\": \"transport\", \"backends\": \"prefix:raw\"}");
        await().atMost(Duration.ofSeconds(5)).until(() -> s2.frontend("raw").isPresent());

        s1.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> naming.lookup(SharedFrontendCodec.PREFIX + "raw")
                .map(e -> "s2".equals(e.attribute("holder"))).orElse(false));
        assertThat(s2.frontend("raw")).isPresent();
        SwitchDaemon s3 = start("s3", "127.0.0.3");
        assertThat(s3.frontend("raw")).as("a switch started later adopts it").isPresent();

        admin(s3).delete("/frontends/raw");

        await().atMost(Duration.ofSeconds(5)).until(() -> s2.frontend("raw").isEmpty());
        assertThat(s3.frontend("raw")).isEmpty();
        NamingEntry tombstone = naming.lookup(SharedFrontendCodec.PREFIX + "raw").orElseThrow();
        assertThat(tombstone.attribute("state")).isEqualTo("removed");
        assertThatThrownBy(() -> admin(s2).delete("/frontends/raw"))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
