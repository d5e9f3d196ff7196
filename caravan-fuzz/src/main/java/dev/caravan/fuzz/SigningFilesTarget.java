package dev.caravan.fuzz;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.security.signing.BundleSignature;
import dev.caravan.wire.security.signing.CodePolicy;
import dev.caravan.wire.security.signing.PrivateKeyFile;
import dev.caravan.wire.security.signing.PublicKeyFile;
import dev.caravan.wire.security.signing.TrustStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Signed code's parsers (sec-sign) on garbage: byte 0 picks one, the rest is its input.
 * <ul>
 *   <li>0 — a bundle signature as a node gets it with a push, pull or migration:
 *       {@link CodePolicy#check} against a trust directory that trusts the seed key, for a fixed
 *       bundle hash (so the signature parser, the hash comparison and Ed25519 verification all
 *       run);</li>
 *   <li>1 — a public key file ({@link PublicKeyFile#parse}, {@code caravan keys trust});</li>
 *   <li>2 — a private key file ({@link PrivateKeyFile#parse}, {@code caravan sign});</li>
 *   <li>3 — a trust directory's {@code revoked} list, then {@link TrustStore#load} of a directory
 *       holding the seed key and it.</li>
 * </ul>
 * Contract: an answer, or {@link CaravanException} (MALFORMED, TOO_LARGE, UNTRUSTED_CODE); nothing
 * else. The seed key {@code seed-signing.key} was made with {@code PrivateKeyFile.generate} for the
 * corpus; it signs nothing real. Not thread-safe: one scratch directory per JVM.
 */
final class SigningFilesTarget {
    /** The bundle hash every signature input is checked against (SHA-256 of "caravan fuzz bundle"). */
    static final String BUNDLE_HASH = BundleSignature.bundleHash("caravan fuzz bundle".getBytes(StandardCharsets.US_ASCII));
    private static final PrivateKeyFile SEED_KEY = PrivateKeyFile.parse(resource("seed-signing.key"), "seed-signing.key");
    private static final Path TRUST_DIR;
    private static final Path REVOKED_DIR;
    private static final CodePolicy POLICY;

    static {
        try {
            TRUST_DIR = Files.createTempDirectory("caravan-fuzz-trust");
            REVOKED_DIR = Files.createTempDirectory("caravan-fuzz-revoked");
            for (Path dir : List.of(TRUST_DIR, REVOKED_DIR)) {
                dir.toFile().deleteOnExit();
                new TrustStore(dir).trust(SEED_KEY.publicKey()).toFile().deleteOnExit();
            }
            POLICY = CodePolicy.requireSigned(TRUST_DIR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SigningFilesTarget() {
    }

    static void parse(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        try {
            switch (Byte.toUnsignedInt(input[0]) % 4) {
                case 0 -> POLICY.check(BUNDLE_HASH, rest, "fuzz.jar");
                case 1 -> PublicKeyFile.parse(rest, "fuzz.pub");
                case 2 -> PrivateKeyFile.parse(rest, "fuzz.key");
                default -> {
                    Path revoked = REVOKED_DIR.resolve(TrustStore.REVOKED_FILE);
                    Files.write(revoked, rest);
                    revoked.toFile().deleteOnExit();
                    new TrustStore(REVOKED_DIR).load();
                }
            }
        } catch (CaravanException expected) {
            // refused in one line
        }
    }

    /** A valid input of each kind: the seed key's signature of {@link #BUNDLE_HASH}, its two key files, a revoked list. */
    static List<byte[]> seeds() {
        return List.of(
                selected(0, BundleSignature.sign(SEED_KEY, BUNDLE_HASH).toBytes()),
                selected(1, SEED_KEY.publicKey().toBytes()),
                selected(2, SEED_KEY.toBytes()),
                selected(3, ("# revoked keys\n" + SEED_KEY.keyId() + "\n").getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] selected(int kind, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = (byte) kind;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    private static byte[] resource(String name) {
        try (InputStream in = SigningFilesTarget.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
