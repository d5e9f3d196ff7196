package dev.caravan.wire.security.signing;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The key, signature and trust-directory formats: round trips, and a clear refusal of every malformed input. */
class SigningFormatsTest {
    private static final String HASH = "ab".repeat(32);
    @TempDir
    Path tmp;

    private static void assertMalformed(Runnable r, String part) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CaravanException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED)).hasMessageContaining(part);
    }

    @Test
    void aSignatureIsValidForExactlyOneHashAndOneKey() {
        PrivateKeyFile key = PrivateKeyFile.generate("release");
        BundleSignature sig = BundleSignature.parse(BundleSignature.sign(key, HASH).toBytes(), "sig");
        assertThat(sig.bundleHashHex()).isEqualTo(HASH);
        assertThat(sig.keyId()).isEqualTo(key.keyId()).isEqualTo(KeyId.of(key.publicKey().key()));
        assertThat(sig.verifiedBy(key.publicKey().key())).isTrue();
        assertThat(sig.verifiedBy(PrivateKeyFile.generate("other").publicKey().key())).isFalse();

        byte[] otherHash = sig.toBytes();
        otherHash[38] ^= 1;
        assertThat(BundleSignature.parse(otherHash, "sig").verifiedBy(key.publicKey().key()))
                .as("the hash is part of the signed message").isFalse();
    }

    @Test
    void signatureParserRefusesTruncatedOversizedAndForeignInput() {
        byte[] good = BundleSignature.sign(PrivateKeyFile.generate("k"), HASH).toBytes();
        assertThat(good).hasSize(BundleSignature.BYTES).startsWith('C', 'V', 'S', 'G', 1, 1);
        assertMalformed(() -> BundleSignature.parse(Arrays.copyOf(good, 100), "app.jar.sig"), "(truncated?)");
        assertMalformed(() -> BundleSignature.parse(Arrays.copyOf(good, 200), "app.jar.sig"), "is 134 bytes, got 200");
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertMalformed(() -> BundleSignature.parse(magic, "app.jar.sig"), "bad magic");
        byte[] version = good.clone();
        version[4] = 2;
        assertMalformed(() -> BundleSignature.parse(version, "app.jar.sig"), "version 2 is not supported");
        byte[] algorithm = good.clone();
        algorithm[5] = 9;
        assertMalformed(() -> BundleSignature.parse(algorithm, "app.jar.sig"), "algorithm 9");
    }

    @Test
    void keyFilesRoundTripAndThePrivateOneIsOwnerOnly() throws Exception {
        PrivateKeyFile key = PrivateKeyFile.generate("release");
        Path priv = tmp.resolve("release.key");
        Path pub = tmp.resolve("release.pub");
        key.writeNew(priv);
        key.publicKey().write(pub);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
        assertThat(PrivateKeyFile.read(priv).keyId()).isEqualTo(key.keyId());
        assertThat(PublicKeyFile.read(pub).keyId()).isEqualTo(key.keyId());
        assertThat(Files.readString(pub)).startsWith("caravan-ed25519-public v1 ").endsWith(" release\n");
        assertThatThrownBy(() -> key.writeNew(priv)).isInstanceOfSatisfying(CaravanException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    }

    @Test
    void keyParsersRefuseMalformedInput() {
        byte[] pub = PrivateKeyFile.generate("k").publicKey().toBytes();
        String text = new String(pub, StandardCharsets.US_ASCII);
        assertMalformed(() -> PublicKeyFile.parse(Arrays.copyOf(pub, pub.length - 5), "k.pub"), "truncated?");
        assertMalformed(() -> PublicKeyFile.parse(new byte[PublicKeyFile.MAX_FILE_BYTES + 1], "k.pub"), "longer than");
        assertMalformed(() -> PublicKeyFile.parse(text.replace("v1", "v9").getBytes(StandardCharsets.US_ASCII), "k.pub"),
                "expected 'v1'");
        assertMalformed(() -> PublicKeyFile.parse(text.replace(" k\n", " k extra\n").getBytes(StandardCharsets.US_ASCII), "k.pub"),
                "expected 4");
        assertMalformed(() -> PublicKeyFile.parse("caravan-ed25519-public v1 AAAA k\n".getBytes(StandardCharsets.US_ASCII), "k.pub"),
                "is 44 bytes encoded, got 3");
        assertMalformed(() -> PublicKeyFile.parse(text.replace(" k\n", " k/../x\n").getBytes(StandardCharsets.US_ASCII), "k.pub"),
                "key name");

        PrivateKeyFile a = PrivateKeyFile.generate("a");
        String[] f = new String(a.toBytes(), StandardCharsets.US_ASCII).split(" ");
        String otherPub = new String(PrivateKeyFile.generate("b").toBytes(), StandardCharsets.US_ASCII).split(" ")[3];
        String mixed = f[0] + " " + f[1] + " " + f[2] + " " + otherPub + " " + f[4];
        assertMalformed(() -> PrivateKeyFile.parse(mixed.getBytes(StandardCharsets.US_ASCII), "a.key"), "do not belong together");
    }

    @Test
    void theTrustDirectoryTrustsRevokesAndRefusesToTrustARevokedKeyAgain() throws Exception {
        TrustStore trust = new TrustStore(tmp.resolve("trust"));
        assertThat(trust.load().trusted()).as("a missing directory trusts nothing").isEmpty();
        PrivateKeyFile key = PrivateKeyFile.generate("release");
        trust.trust(key.publicKey());
        assertThat(trust.list()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("release");
            assertThat(e.revoked()).isFalse();
        });
        assertThat(trust.revoke(KeyId.shortForm(key.keyId()))).isEqualTo(key.keyId());
        assertThat(trust.list().getFirst().revoked()).isTrue();
        assertThatThrownBy(() -> trust.trust(key.publicKey())).isInstanceOfSatisfying(CaravanException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> trust.revoke("12")).hasMessageContaining("is not a key id");

        Files.writeString(trust.dir().resolve(TrustStore.REVOKED_FILE), "not-an-id\n");
        assertMalformed(() -> {
            try {
                trust.load();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "line 1: not a 64-hex-digit key id");
    }

    @Test
    void thePolicyNamesEveryReason() throws Exception {
        TrustStore trust = new TrustStore(tmp.resolve("trust"));
        PrivateKeyFile key = PrivateKeyFile.generate("release");
        trust.trust(key.publicKey());
        CodePolicy policy = CodePolicy.requireSigned(trust.dir());
        byte[] good = BundleSignature.sign(key, HASH).toBytes();

        policy.check(HASH, good, "app.jar");
        assertUntrusted(() -> policy.check(HASH, null, "app.jar"), "refused bundle abababababababab (app.jar): it is unsigned");
        assertUntrusted(() -> policy.check("cd".repeat(32), good, ""), "tampered: hash mismatch");
        assertUntrusted(() -> policy.check(HASH, Arrays.copyOf(good, 10), ""), "truncated?");
        assertUntrusted(() -> policy.check(HASH, BundleSignature.sign(PrivateKeyFile.generate("x"), HASH).toBytes(), ""),
                "is not trusted");
        byte[] forged = good.clone();
        forged[BundleSignature.BYTES - 1] ^= 1;
        assertUntrusted(() -> policy.check(HASH, forged, ""), "does not verify");
        trust.revoke(key.keyId());
        assertUntrusted(() -> policy.check(HASH, good, ""), "is revoked");
        CodePolicy.allowUnsigned().check(HASH, null, "");
    }

    private static void assertUntrusted(Runnable r, String part) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CaravanException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNTRUSTED_CODE)).hasMessageContaining(part);
    }
}
