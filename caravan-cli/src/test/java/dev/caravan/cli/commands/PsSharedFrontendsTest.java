package dev.caravan.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.switching.config.FrontendSpecJson;
import dev.caravan.switching.shared.SharedFrontend;
import dev.caravan.switching.shared.SharedFrontendCodec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code caravan ps}'s front-end table: each shared front end once, with the switches that serve it. */
class PsSharedFrontendsTest {
    @Test
    void shouldListEachSharedFrontEndOnceWithTheSwitchesServingIt() throws Exception {
        try (LocalNamingService naming = new LocalNamingService()) {
            long lease = naming.openLease("switches", 60_000).id();
            naming.register(lease, new NamingEntry("switch/s1", "", "127.0.0.1", 9001, 1, Map.of("frontends", "kv,web")));
            naming.register(lease, new NamingEntry("switch/s2", "", "127.0.0.2", 9002, 1, Map.of("frontends", "kv")));
            naming.register(lease, SharedFrontendCodec.encode(new SharedFrontend("kv", 5, FrontendSpecJson.parse(new ObjectMapper()
                    .readTree("{\"name\": \"kv\", \"listen\": \"127.0.0.1:6400\", \"protocol\": \"resp\", \"mode\": \"process\","
                            + " \"backends\": \"name:kv1\"}"), "test", ""), true, "s1"), "s1"));
            naming.register(lease, SharedFrontendCodec.encode(SharedFrontend.removal("old", 7, "s2"), "s2"));

            List<Map<String, Object>> rows = PsCommand.sharedFrontends(naming);

            assertThat(rows).singleElement().satisfies(r -> {
                assertThat(r.get("frontend")).isEqualTo("kv");
                assertThat(r.get("port")).isEqualTo(6400);
                assertThat(r.get("mode")).isEqualTo("process");
                assertThat(r.get("backends")).isEqualTo("name:kv1");
                assertThat(r.get("switches")).isEqualTo("s1,s2");
            });
        }
    }
}
