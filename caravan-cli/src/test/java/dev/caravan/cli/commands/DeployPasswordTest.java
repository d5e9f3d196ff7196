package dev.caravan.cli.commands;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeployPasswordTest {
    /** {@code printf secret | sha256sum}. */
    private static final String SECRET_SHA256 = "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";

    @TempDir
    Path dir;

    private static void assertRefused(Runnable r, ErrorCode code, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CaravanException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).isEqualTo(message).doesNotContain("\n");
        });
    }

    @Test
    void shouldHashAFilesPasswordWithoutItsLineEnd() throws Exception {
        for (String content : new String[] {"secret", "secret\n", "secret\r\n"}) {
            Path f = Files.writeString(dir.resolve("pw"), content);

            assertThat(DeployPassword.sha256(f, null, Map.<String, String>of()::get)).contains(SECRET_SHA256);
        }
        Path spaced = Files.writeString(dir.resolve("spaced"), " secret \n");
        assertThat(DeployPassword.sha256(spaced, null, Map.<String, String>of()::get)).as("spaces are part of a password")
                .contains(DeployPassword.hex(" secret ".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldHashAnEnvironmentVariablesPassword() {
        assertThat(DeployPassword.sha256(null, "KV_PASSWORD", Map.of("KV_PASSWORD", "secret")::get)).contains(SECRET_SHA256);
        assertThat(DeployPassword.sha256(null, null, Map.<String, String>of()::get)).isEqualTo(Optional.empty());
    }

    @Test
    void shouldRefuseMissingEmptyOrDoubleSourcesInOneLine() throws Exception {
        Path missing = dir.resolve("missing");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Path big = Files.write(dir.resolve("big"), new byte[(int) DeployPassword.MAX_FILE_BYTES + 1]);

        assertRefused(() -> DeployPassword.sha256(missing, null, Map.<String, String>of()::get), ErrorCode.NOT_FOUND,
                "password file " + missing + " does not exist");
        assertRefused(() -> DeployPassword.sha256(empty, null, Map.<String, String>of()::get), ErrorCode.INVALID_ARGUMENT,
                "password file " + empty + " is empty; write the password into it");
        assertRefused(() -> DeployPassword.sha256(big, null, Map.<String, String>of()::get), ErrorCode.INVALID_ARGUMENT,
                "password file " + big + " is larger than 65536 bytes; it should hold the password alone");
        assertRefused(() -> DeployPassword.sha256(null, "PW", Map.<String, String>of()::get), ErrorCode.NOT_FOUND,
                "environment variable PW (--password-env) is not set");
        assertRefused(() -> DeployPassword.sha256(null, "PW", Map.of("PW", "")::get), ErrorCode.INVALID_ARGUMENT,
                "environment variable PW (--password-env) is empty; set it to the password");
        assertRefused(() -> DeployPassword.sha256(empty, "PW", Map.of("PW", "x")::get), ErrorCode.INVALID_ARGUMENT,
                "give --password-file or --password-env, not both");
    }
}
