package dev.caravan.servers.endpoint;

import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingServer;
import dev.caravan.naming.RemoteNamingService;
import dev.caravan.servers.line.LineClient;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.state.StatelessCalculator;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.Hello;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointTest {
    private LocalNamingService local;
    private NamingServer namingServer;
    private RemoteNamingService remote;

    @BeforeEach
    void startNaming() throws IOException {
        local = new LocalNamingService();
        namingServer = new NamingServer(local, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "");
        remote = new RemoteNamingService(namingServer.address(), new Hello("endpoint-test", ""), Duration.ofSeconds(5));
    }

    @AfterEach
    void stopNaming() {
        remote.close();
        namingServer.close();
        local.close();
    }

    @Test
    void shouldParseServicesFileWithAliasesAndComments() {
        WellKnownPorts t = WellKnownPorts.parse("""
                # comment
                
                calc   7600/tcp  calculator math   # trailing
                calc   7600/udp
                """);
        assertThat(t.services()).hasSize(2);
        assertThat(t.lookup("math").orElseThrow().port()).isEqualTo(7600);
        assertThat(t.lookup("calc", "udp").orElseThrow().protocol()).isEqualTo("udp");
        assertThat(t.lookup("nope")).isEmpty();
    }

    @Test
    void shouldRejectMalformedServicesLinesWithTheirNumber() {
        for (String bad : new String[]{"calc", "calc 7600", "calc x/tcp", "calc 70000/tcp", "calc 7600/"}) {
            assertThatThrownBy(() -> WellKnownPorts.parse("# ok\n" + bad))
                    .isInstanceOfSatisfying(CaravanException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
                        assertThat(e.getMessage()).contains("line 2");
                    });
        }
    }

    @Test
    void shouldShipCaravansOwnServices() {
        WellKnownPorts t = WellKnownPorts.defaults();
        assertThat(t.lookup("caravan-naming").orElseThrow().port()).isEqualTo(7400);
        assertThat(t.lookup("oob").orElseThrow().name()).isEqualTo("caravan-control");
    }

    @Test
    void shouldResolveARegisteredServerThroughRemoteNaming() {
        try (Server server = ServerModel.VIRTUAL_THREADS.start(StatelessCalculator.protocol());
             EndpointRegistration reg = EndpointRegistration.register(local, "calc", "n1", "127.0.0.1",
                     server, "calculator", 10_000)) {
            assertThat(reg.entry().name()).isEqualTo("service/calc");
            EndpointResolver resolver = new EndpointResolver(remote, WellKnownPorts.defaults(), "127.0.0.1");
            Endpoint e = resolver.resolve("calc");
            assertThat(e.source()).isEqualTo(Endpoint.Source.NAMING);
            assertThat(e.port()).isEqualTo(server.port());
            assertThat(remote.lookup("service/calc").orElseThrow().attribute("model")).isEqualTo("virtual-threads");
            try (LineClient c = new LineClient(e.address())) {
                assertThat(c.callOk("ADD 2 3")).isEqualTo("5");
            }
        }
    }

    @Test
    void shouldRegisterThroughRemoteNamingAndFallBackToWellKnownPortAfterClose() {
        EndpointResolver resolver = new EndpointResolver(remote, WellKnownPorts.defaults(), "localhost");
        try (Server server = ServerModel.EVENT_LOOP.start(StatelessCalculator.protocol())) {
            EndpointRegistration reg = EndpointRegistration.register(remote, "caravan-http", "n1", "127.0.0.1",
                    server, "http", 10_000);
            reg.renew();
            assertThat(resolver.resolve("caravan-http").port()).isEqualTo(server.port());
            reg.close();
        }
        Endpoint fallback = resolver.resolve("caravan-http");
        assertThat(fallback).isEqualTo(new Endpoint("localhost", 7480, Endpoint.Source.WELL_KNOWN));
    }

    @Test
    void shouldFallBackWhenNamingIsUnreachableAndFailForUnknownNames() {
        remote.close();
        EndpointResolver resolver = new EndpointResolver(remote, WellKnownPorts.defaults(), "127.0.0.1");
        assertThat(resolver.resolve("naming").source()).isEqualTo(Endpoint.Source.WELL_KNOWN);
        assertThatThrownBy(() -> resolver.resolve("no-such-service"))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
