package dev.caravan.fuzz;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.security.signing.BundleSignature;
import dev.caravan.wire.security.signing.CodePolicy;
import dev.caravan.wire.security.signing.PrivateKeyFile;
import dev.caravan.wire.security.signing.PublicKeyFile;
import dev.caravan.wire.security.signing.TrustStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The signed-code target's seeds are what a node accepts (so mutation starts deep), and the hostile
 * case "a bundle whose signature is valid, but for another hash" is refused UNTRUSTED_CODE.
 */
class SigningFilesTargetTest {
    @TempDir
    Path trustDir;

    private static byte[] body(byte[] seed) {
        return Arrays.copyOfRange(seed, 1, seed.length);
    }

    @Test
    void shouldAcceptTheSeedSignatureAndParseTheSeedKeys() throws Exception {
        List<byte[]> seeds = SigningFilesTarget.seeds();
        PrivateKeyFile key = PrivateKeyFile.parse(body(seeds.get(2)), "seed");
        PublicKeyFile pub = PublicKeyFile.parse(body(seeds.get(1)), "seed");
        assertThat(pub.keyId()).isEqualTo(key.keyId());
        new TrustStore(trustDir).trust(pub);

        CodePolicy.requireSigned(trustDir).check(SigningFilesTarget.BUNDLE_HASH, body(seeds.getFirst()), "seed.jar");
        for (byte[] seed : seeds) {
            SigningFilesTarget.parse(seed);
        }
    }

    @Test
    void shouldRefuseASignatureThatIsValidForAnotherHashAsUntrustedCode() throws Exception {
        PrivateKeyFile key = PrivateKeyFile.parse(body(SigningFilesTarget.seeds().get(2)), "seed");
        new TrustStore(trustDir).trust(key.publicKey());
        String otherHash = BundleSignature.bundleHash("another bundle".getBytes(StandardCharsets.US_ASCII));
        byte[] validForOther = BundleSignature.sign(key, otherHash).toBytes();
        CodePolicy policy = CodePolicy.requireSigned(trustDir);
        policy.check(otherHash, validForOther, "other.jar");

        assertThatThrownBy(() -> policy.check(SigningFilesTarget.BUNDLE_HASH, validForOther, "app.jar"))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNTRUSTED_CODE))
                .hasMessageContaining("hash mismatch");
    }

    @Test
    void shouldRefuseGarbageOfEveryKindInOneLine() {
        byte[] garbage = "caravan-ed25519-public v2 AAAA x\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> PublicKeyFile.parse(garbage, "g.pub")).isInstanceOf(CaravanException.class)
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> PrivateKeyFile.parse(garbage, "g.key")).isInstanceOf(CaravanException.class);
        assertThatThrownBy(() -> BundleSignature.parse(new byte[BundleSignature.BYTES], "g.sig"))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED));
    }
}
