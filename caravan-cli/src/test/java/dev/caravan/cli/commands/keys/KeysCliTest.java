package dev.caravan.cli.commands.keys;

import dev.caravan.cli.Console;
import dev.caravan.wire.security.signing.BundleSignature;
import dev.caravan.wire.security.signing.PublicKeyFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code caravan keys} and {@code caravan sign} as a user runs them: files, output and one-line errors. */
class KeysCliTest {
    @TempDir
    Path tmp;

    private Console.Result run(String... args) {
        return Console.run(args);
    }

    private static void assertOneLineError(Console.Result r, String part, String code) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().getFirst()).startsWith("caravan: ").contains(part).endsWith("[" + code + "]");
    }

    @Test
    void newTrustSignRevokeAndList() throws Exception {
        String keys = tmp.resolve("keys").toString();
        String trust = tmp.resolve("trust").toString();
        Console.Result made = run("keys", "new", "release", "--dir", keys);
        assertThat(made.exitCode()).as(made.err()).isZero();
        Path priv = tmp.resolve("keys/release.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
        String id = PublicKeyFile.read(tmp.resolve("keys/release.pub")).keyId();
        assertThat(made.out()).contains("id " + id.substring(0, 16));
        assertOneLineError(run("keys", "new", "release", "--dir", keys), "exists", "ALREADY_EXISTS");

        Path jar = Files.write(tmp.resolve("app.jar"), new byte[] {'P', 'K', 3, 4});
        Console.Result signed = run("sign", jar.toString(), "--key", priv.toString());
        assertThat(signed.exitCode()).as(signed.err()).isZero();
        assertThat(signed.out()).contains("sha256 " + BundleSignature.bundleHash(Files.readAllBytes(jar)))
                .contains(id.substring(0, 16));
        assertThat(BundleSignature.read(tmp.resolve("app.jar.sig")).keyId()).isEqualTo(id);

        assertThat(run("keys", "ls", "--dir", keys, "--trust-dir", trust).out()).containsPattern("release +not trusted");
        assertThat(run("keys", "trust", tmp.resolve("keys/release.pub").toString(), "--trust-dir", trust).exitCode()).isZero();
        assertThat(run("keys", "ls", "--dir", keys, "--trust-dir", trust).out()).containsPattern("release +trusted");
        assertThat(run("keys", "revoke", id.substring(0, 16), "--trust-dir", trust).out()).contains("revoked key " + id.substring(0, 16));
        assertThat(run("keys", "ls", "--dir", keys, "--trust-dir", trust).out()).containsPattern("release +revoked");
        Console.Result json = run("keys", "ls", "--dir", keys, "--trust-dir", trust, "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        var rows = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("id").asText()).isEqualTo(id);
        assertThat(rows.get(0).get("name").asText()).isEqualTo("release");
        assertThat(rows.get(0).get("state").asText()).isEqualTo("revoked");
        assertThat(rows.get(0).get("privateKey").asText()).isEqualTo(priv.toString());
        assertOneLineError(run("keys", "trust", tmp.resolve("keys/release.pub").toString(), "--trust-dir", trust), "is revoked",
                "FORBIDDEN");
    }

    @Test
    void malformedFilesAndMissingKeysAreOneLineErrors() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.pub"), "ssh-ed25519 AAAA someone\n");
        assertOneLineError(run("keys", "trust", bad.toString(), "--trust-dir", tmp.resolve("t").toString()),
                "expected 'caravan-ed25519-public'", "MALFORMED");
        Path jar = Files.write(tmp.resolve("app.jar"), new byte[] {'P', 'K', 3, 4});
        assertOneLineError(run("sign", jar.toString(), "--key", tmp.resolve("none.key").toString()), "no file", "NOT_FOUND");
        Console.Result revoke = run("keys", "revoke", "xyz", "--trust-dir", tmp.resolve("t").toString());
        assertThat(revoke.exitCode()).as("a malformed key id is a usage error").isEqualTo(2);
        assertThat(revoke.errLines()).singleElement().asString().contains("is not a key id");
        assertThat(run("sign", jar.toString()).exitCode()).as("--key is required").isEqualTo(2);
    }
}
