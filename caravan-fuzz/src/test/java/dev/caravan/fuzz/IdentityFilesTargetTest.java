package dev.caravan.fuzz;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.security.Identity;
import dev.caravan.wire.security.Role;
import dev.caravan.wire.security.TransportSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tls-identity target's seed is a usable identity (so mutation starts deep), and garbage is refused in one line. */
class IdentityFilesTargetTest {
    @TempDir
    Path dir;

    private void write(byte[] input) throws Exception {
        int a = indexOfZero(input, 0);
        int b = indexOfZero(input, a + 1);
        Files.write(dir.resolve(TransportSecurity.CA_FILE), java.util.Arrays.copyOfRange(input, 0, a));
        Files.write(dir.resolve(TransportSecurity.CERT_FILE), java.util.Arrays.copyOfRange(input, a + 1, b));
        Files.write(dir.resolve(TransportSecurity.KEY_FILE), java.util.Arrays.copyOfRange(input, b + 1, input.length));
    }

    private static int indexOfZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        throw new AssertionError("no separator");
    }

    @Test
    void shouldLoadTheSeedAsANodeIdentity() throws Exception {
        write(IdentityFilesTarget.seeds().getFirst());

        Identity own = TransportSecurity.mutualTls(dir).ownIdentity();

        assertThat(own.name()).isEqualTo("n1");
        assertThat(own.role()).isEqualTo(Role.NODE);
    }

    @Test
    void shouldRefuseAGarbageKeyWithInvalidArgument() throws Exception {
        byte[] seed = IdentityFilesTarget.seeds().getFirst();
        write(seed);
        Files.writeString(dir.resolve(TransportSecurity.KEY_FILE), "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(() -> TransportSecurity.mutualTls(dir)).isInstanceOfSatisfying(CaravanException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
}
