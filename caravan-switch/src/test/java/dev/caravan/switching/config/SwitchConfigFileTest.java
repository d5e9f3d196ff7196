package dev.caravan.switching.config;

import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SwitchConfigFileTest {
    private static final String FULL = """
            {"version": 1, "frontends": [
              {"name": "web", "listen": "127.0.0.1:0", "protocol": "http", "mode": "content",
               "routes": [
                 {"match": {"pathPrefix": "/api", "header": "X-Tenant"}, "backends": "label:app=api", "policy": "least-connections"},
                 {"backends": "prefix:web", "policy": "affinity", "affinity": {"source": "cookie", "name": "SID"}}],
               "limits": {"maxConnectionsPerBackend": 100, "queueTimeoutMs": 2000}},
              {"name": "raw", "listen": "127.0.0.1:0", "protocol": "tcp", "mode": "transport", "backends": "name:echo"}
            ]}""";

    private static CaravanException error(String json) {
        return (CaravanException) org.assertj.core.api.Assertions.catchThrowable(() -> SwitchConfigFile.parse(json, "s.json"));
    }

    private static String one(String frontend) {
        return "{\"version\": 1, \"frontends\": [" + frontend + "]}";
    }

    @Test
    void shouldReadEveryFieldOfAFullFile() {
        List<FrontendSpec> specs = SwitchConfigFile.parse(FULL, "s.json");

        assertThat(specs).hasSize(2);
        FrontendSpec web = specs.getFirst();
        assertThat(web.protocol()).isEqualTo(FrontendProtocol.HTTP);
        assertThat(web.mode()).isEqualTo(DispatchMode.CONTENT);
        assertThat(web.routes()).hasSize(2);
        Route api = web.routes().getFirst();
        assertThat(api.match().pathPrefix()).isEqualTo("/api");
        assertThat(api.match().header()).isEqualTo("X-Tenant");
        assertThat(api.match().host()).isNull();
        assertThat(api.backends()).isEqualTo(new BackendSelector(BackendSelector.Kind.LABEL, "app=api"));
        assertThat(api.policy()).isEqualTo(PolicyKind.LEAST_CONNECTIONS);
        Route rest = web.routes().get(1);
        assertThat(rest.affinity()).isEqualTo(new Route.AffinitySource(Route.AffinitySource.Kind.COOKIE, "SID"));
        assertThat(web.limits().maxConnectionsPerBackend()).isEqualTo(100);
        assertThat(web.limits().queueTimeoutMs()).isEqualTo(2000);
        assertThat(web.limits().fall()).isEqualTo(FrontendSpec.BackendLimits.DEFAULTS.fall());

        FrontendSpec raw = specs.get(1);
        assertThat(raw.routes()).singleElement().satisfies(r -> {
            assertThat(r.match()).isEqualTo(Route.RouteMatch.ANY);
            assertThat(r.policy()).isEqualTo(PolicyKind.ROUND_ROBIN);
            assertThat(r.backends().toString()).isEqualTo("name:echo");
        });
    }

    @Test
    void shouldPlaceKeysByDefaultOnAContentAwareRespFrontEnd() {
        FrontendSpec spec = SwitchConfigFile.parse(one("""
                {"name": "kvs", "listen": "127.0.0.1:0", "protocol": "resp", "mode": "content", "backends": "label:service=kvs"}"""),
                "s.json").getFirst();
        assertThat(spec.routes().getFirst().policy()).isEqualTo(dev.caravan.switching.policy.PolicyKind.AFFINITY);
        assertThat(spec.routes().getFirst().affinity().kind()).isEqualTo(dev.caravan.switching.Route.AffinitySource.Kind.RESP_KEY);
    }

    @Test
    void shouldWriteSpecsThatReadBackEqual() {
        for (FrontendSpec spec : SwitchConfigFile.parse(FULL, "s.json")) {
            assertThat(FrontendSpecJson.parse(FrontendSpecJson.toJson(spec), "round trip", "")).isEqualTo(spec);
        }
    }

    @Test
    void shouldNameFileAndFieldOfABadPolicy() {
        CaravanException e = error(one("{\"name\": \"w\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\","
                + " \"mode\": \"content\", \"routes\": [{\"backends\": \"name:a\", \"policy\": \"rr\"}]}"));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(e.getMessage()).startsWith("s.json: frontends[0].routes[0].policy: unknown policy 'rr'");
    }

    @Test
    void shouldRefuseUnknownFieldsByName() {
        assertThat(error(one("{\"name\": \"w\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"tcp\", \"mode\": \"transport\","
                + " \"backends\": \"name:a\", \"polcy\": \"round-robin\"}")).getMessage())
                .startsWith("s.json: frontends[0].polcy: unknown field");
        assertThat(error("{\"version\": 1, \"frontend\": []}").getMessage()).startsWith("s.json: frontend: unknown field");
    }

    @Test
    void shouldRefuseMalformedJsonWithItsPosition() {
        assertThat(error("{\"version\": 1, \"frontends\": [\n  {\"name\": }]}").getMessage())
                .startsWith("s.json: not valid JSON at line 2");
        assertThat(error("[]").getMessage()).startsWith("s.json: (top): must be a JSON object");
        assertThat(error("").getMessage()).startsWith("s.json:");
    }

    @Test
    void shouldRefuseAnotherVersion() {
        assertThat(error("{\"version\": 2, \"frontends\": []}").getMessage()).startsWith("s.json: version: must be 1");
        assertThat(error("{\"frontends\": []}").getMessage()).startsWith("s.json: version: must be 1");
    }

    @Test
    void shouldRefuseMissingAndMistypedFields() {
        assertThat(error(one("{\"listen\": \"127.0.0.1:0\", \"protocol\": \"tcp\", \"mode\": \"transport\", \"backends\": \"name:a\"}"))
                .getMessage()).isEqualTo("s.json: frontends[0].name: missing");
        assertThat(error(one("{\"name\": \"w\", \"listen\": \"127.0.0.1\", \"protocol\": \"tcp\", \"mode\": \"transport\","
                + " \"backends\": \"name:a\"}")).getMessage()).startsWith("s.json: frontends[0].listen: expected host:port");
        assertThat(error(one("{\"name\": \"w\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"udp\", \"mode\": \"transport\","
                + " \"backends\": \"name:a\"}")).getMessage()).startsWith("s.json: frontends[0].protocol: unknown protocol 'udp'");
        assertThat(error(one("{\"name\": \"w\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"tcp\", \"mode\": \"transport\"}"))
                .getMessage()).startsWith("s.json: frontends[0].backends: missing");
        assertThat(error(one("{\"name\": \"w\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"tcp\", \"mode\": \"transport\","
                + " \"backends\": \"name:a\", \"limits\": {\"fall\": -1}}")).getMessage())
                .startsWith("s.json: frontends[0].limits.fall: must be a whole number");
        assertThat(error(one("{\"name\": \"w\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"tcp\", \"mode\": \"transport\","
                + " \"backends\": \"name:a\", \"limits\": {\"fall\": 0}}")).getMessage())
                .startsWith("s.json: frontends[0].limits: backend limits must be");
    }

    @Test
    void shouldRefuseSpecsTheFrontEndContractRefuses() {
        assertThat(error(one("{\"name\": \"w\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"tcp\", \"mode\": \"content\","
                + " \"backends\": \"name:a\"}")).getMessage()).startsWith("s.json: frontends[0]: front end w: content-aware dispatch needs");
        assertThat(error(one("{\"name\": \"p\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"resp\", \"mode\": \"process\","
                + " \"backends\": \"prefix:kv\"}")).getMessage()).contains("process mode serves RESP for one process by name");
        assertThat(error(one("{\"name\": \"w\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"mode\": \"content\","
                + " \"backends\": \"name:a\", \"affinity\": {\"source\": \"cookie\"}}")).getMessage())
                .isEqualTo("s.json: frontends[0].affinity.name: required for source cookie");
    }

    @Test
    void shouldRefuseDuplicateNamesAndAddresses() {
        String a = "{\"name\": \"a\", \"listen\": \"127.0.0.1:7777\", \"protocol\": \"tcp\", \"mode\": \"transport\", \"backends\": \"name:x\"}";
        String b = "{\"name\": \"b\", \"listen\": \"127.0.0.1:7777\", \"protocol\": \"tcp\", \"mode\": \"transport\", \"backends\": \"name:x\"}";
        assertThat(error("{\"version\": 1, \"frontends\": [" + a + ", " + a + "]}").getMessage())
                .isEqualTo("s.json: frontends[1].name: 'a' is declared twice");
        assertThat(error("{\"version\": 1, \"frontends\": [" + a + ", " + b + "]}").getMessage())
                .isEqualTo("s.json: frontends[1].listen: 127.0.0.1:7777 is also the address of a");
    }

    @Test
    void shouldNameAMissingOrOversizedFile(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> SwitchConfigFile.load(dir.resolve("none.json")))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageContaining("none.json: no such config file");
        Path big = dir.resolve("big.json");
        Files.write(big, new byte[SwitchConfigFile.MAX_FILE_BYTES + 1]);
        assertThatThrownBy(() -> SwitchConfigFile.load(big)).hasMessageContaining("big.json: larger than");
        Path ok = dir.resolve("ok.json");
        Files.writeString(ok, FULL);
        assertThat(SwitchConfigFile.load(ok)).hasSize(2);
    }
}
