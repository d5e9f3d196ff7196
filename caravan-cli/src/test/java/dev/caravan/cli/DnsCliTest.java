package dev.caravan.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code caravan dns serve}: its help and its one-line refusals (serving itself is tested in caravan-switch with dig). */
class DnsCliTest {
    @Test
    void shouldDescribeEveryOptionAndTheTopologyFormat() {
        Console.Result r = Console.run("dns", "serve", "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--zone", "--port", "--bind", "--topology", "--ttl", "--rate-limit", "--naming",
                "default: 5353", "caravan.internal.", "zone <zone-name> <node-id>");
    }

    @Test
    void shouldRefuseABadTopologyFileInOneLineNamingTheLine(@TempDir Path dir) throws IOException {
        Path topology = Files.writeString(dir.resolve("topology"), "zone eu n1\n10.0.0.0/8 zone:us\n");

        Console.Result r = Console.run("dns", "serve", "--port", "0", "--topology", topology.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).singleElement().asString().contains(topology + ":2").contains("zone:us is not declared");
    }

    @Test
    void shouldSayHowToStartNamingWhenItDoesNotAnswer() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }

        Console.Result r = Console.run("dns", "serve", "--port", "0", "--naming", "127.0.0.1:" + closedPort);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).singleElement().asString().contains("does not answer").contains("caravan naming");
    }
}
