package dev.caravan.fuzz;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.security.TransportSecurity;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * PEM identity loading ({@link TransportSecurity#mutualTls}) on garbage files: the input is
 * {@code ca.crt 0x00 identity.crt 0x00 identity.key}, written to a scratch identity directory.
 * Contract: a usable identity or {@link CaravanException} INVALID_ARGUMENT, nothing else. The seed
 * is a self-signed P-256 certificate for {@code CN=n1, O=caravan:node} used as its own CA (made
 * with openssl for the corpus; it secures nothing). Not thread-safe: one scratch directory.
 */
final class IdentityFilesTarget {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("caravan-fuzz-identity");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private IdentityFilesTarget() {
    }

    static void load(byte[] input) throws IOException {
        byte[][] parts = split(input);
        write(TransportSecurity.CA_FILE, parts[0]);
        write(TransportSecurity.CERT_FILE, parts[1]);
        write(TransportSecurity.KEY_FILE, parts[2]);
        try {
            TransportSecurity.mutualTls(DIR);
        } catch (CaravanException expected) {
            // refused in one line
        }
    }

    private static void write(String name, byte[] content) throws IOException {
        Path p = DIR.resolve(name);
        Files.write(p, content);
        p.toFile().deleteOnExit();
    }

    private static byte[][] split(byte[] input) {
        byte[][] parts = {new byte[0], new byte[0], new byte[0]};
        int part = 0;
        int from = 0;
        for (int i = 0; i <= input.length && part < 3; i++) {
            if (i == input.length || (input[i] == 0 && part < 2)) {
                parts[part++] = Arrays.copyOfRange(input, from, i);
                from = i + 1;
            }
        }
        return parts;
    }

    static List<byte[]> seeds() {
        byte[] cert = resource("seed-identity.crt");
        byte[] key = resource("seed-identity.key");
        byte[] whole = new byte[cert.length * 2 + key.length + 2];
        System.arraycopy(cert, 0, whole, 0, cert.length);
        System.arraycopy(cert, 0, whole, cert.length + 1, cert.length);
        System.arraycopy(key, 0, whole, cert.length * 2 + 2, key.length);
        return List.of(whole);
    }

    private static byte[] resource(String name) {
        try (InputStream in = IdentityFilesTarget.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
