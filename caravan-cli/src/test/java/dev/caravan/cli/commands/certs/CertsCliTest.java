package dev.caravan.cli.commands.certs;

import dev.caravan.cli.Console;
import dev.caravan.wire.security.Identity;
import dev.caravan.wire.security.Role;
import dev.caravan.wire.security.TransportSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CertsCliTest {
    @TempDir
    Path dir;

    @Test
    void issueBeforeInitSaysToRunInitInOneLine() {
        Console.Result r = Console.run("certs", "issue", "alice", "--role", "viewer", "--dir", dir.resolve("pki").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).singleElement().asString().contains("run 'caravan certs init' first");
    }

    @Test
    void initIssueAndLsMakeIdentitiesTransportSecurityReads() {
        String pki = dir.resolve("pki").toString();
        assertThat(Console.run("certs", "init", "--dir", pki, "--cluster", "prod").exitCode()).isZero();
        assertThat(Console.run("certs", "issue", "n1", "--role", "node", "--ip", "10.1.2.3", "--dns", "n1.example", "--dir", pki)
                .exitCode()).isZero();
        Console.Result alice = Console.run("certs", "issue", "alice", "--role", "operator", "--slice", "team-a", "--days", "7",
                "--dir", pki);
        assertThat(alice.exitCode()).isZero();
        assertThat(alice.out()).contains("export CARAVAN_TLS=");

        assertThat(TransportSecurity.mutualTls(Path.of(pki, "alice")).ownIdentity())
                .isEqualTo(new Identity("alice", Role.OPERATOR, "team-a", "certificate"));
        assertThat(Files.exists(Path.of(pki, "n1", "identity.key"))).isTrue();

        Console.Result ls = Console.run("certs", "ls", "--dir", pki);
        assertThat(ls.exitCode()).isZero();
        assertThat(ls.out().lines().toList()).hasSize(3);
        assertThat(ls.out()).containsPattern("alice +operator +team-a ");
        assertThat(ls.out()).containsPattern("n1 +node +- ");
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        String pki = dir.resolve("pki").toString();
        Console.run("certs", "init", "--dir", pki);
        Console.Result again = Console.run("certs", "init", "--dir", pki);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.errLines()).singleElement().asString().contains("already holds a CA");
        Console.Result role = Console.run("certs", "issue", "x", "--role", "root", "--dir", pki);
        assertThat(role.exitCode()).isEqualTo(2);
        assertThat(role.errLines()).singleElement().asString().contains("unknown role 'root'");
        assertThat(Console.run("certs", "issue", "x", "--role", "admin", "--days", "0", "--dir", pki).exitCode()).isEqualTo(2);
        assertThat(Console.run("certs", "issue", "x", "--dir", pki).exitCode()).isEqualTo(2);
    }
}
