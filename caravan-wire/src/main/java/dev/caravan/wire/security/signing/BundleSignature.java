package dev.caravan.wire.security.signing;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A detached signature of one bundle ({@code app.jar.sig}), binary, exactly {@value #BYTES} bytes:
 *
 * <pre>
 * offset size
 *      0    4  magic "CVSG"
 *      4    1  version = 1
 *      5    1  algorithm = 1 (Ed25519)
 *      6   32  key id: SHA-256 of the signer's public key ({@link KeyId})
 *     38   32  the bundle's SHA-256 (the hash a node stores it under)
 *     70   64  Ed25519 signature of the message below
 * </pre>
 *
 * The signed message is domain-separated: the ASCII bytes {@value #DOMAIN} (with its trailing
 * newline), then the key id's 32 bytes, then the bundle hash's 32 bytes. A signature is therefore
 * valid for exactly one bundle hash, and cannot be mistaken for a signature of anything else.
 * Anything of another length, magic, version or algorithm is refused with MALFORMED. Immutable;
 * the arrays are copied in and out.
 */
public final class BundleSignature {
    public static final int BYTES = 4 + 1 + 1 + 32 + 32 + Ed25519.SIGNATURE_BYTES;
    public static final byte VERSION = 1;
    public static final byte ALGORITHM_ED25519 = 1;
    /** The prefix of every signed message. */
    public static final String DOMAIN = "caravan bundle signature v1\n";
    private static final byte[] MAGIC = {'C', 'V', 'S', 'G'};
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private final byte[] keyId;
    private final byte[] bundleHash;
    private final byte[] signature;

    private BundleSignature(byte[] keyId, byte[] bundleHash, byte[] signature) {
        this.keyId = keyId;
        this.bundleHash = bundleHash;
        this.signature = signature;
    }

    /**
     * Signs the bundle whose SHA-256 is {@code bundleHashHex}.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT when the hash is not 64 hex digits
     */
    public static BundleSignature sign(PrivateKeyFile key, String bundleHashHex) {
        byte[] id = HexFormat.of().parseHex(key.keyId());
        byte[] hash = hash(bundleHashHex);
        return new BundleSignature(id, hash, key.sign(message(id, hash)));
    }

    /** The SHA-256 of {@code bundle} in hex: what a node stores it under and what a signature covers. */
    public static String bundleHash(byte[] bundle) {
        return HexFormat.of().formatHex(KeyId.sha256(bundle));
    }

    /** The signer's key id (64 hex digits). */
    public String keyId() {
        return HexFormat.of().formatHex(keyId);
    }

    /** The hash of the bundle this signature is for (64 hex digits). */
    public String bundleHashHex() {
        return HexFormat.of().formatHex(bundleHash);
    }

    /** True when {@code key} is the key this signature names and its signature holds. */
    public boolean verifiedBy(PublicKey key) {
        byte[] id = KeyId.sha256(key.getEncoded());
        return Arrays.equals(id, keyId) && Ed25519.verify(key, message(keyId, bundleHash), signature);
    }

    public byte[] toBytes() {
        return ByteBuffer.allocate(BYTES).put(MAGIC).put(VERSION).put(ALGORITHM_ED25519).put(keyId).put(bundleHash)
                .put(signature).array();
    }

    /** Writes the file. */
    public void write(Path file) throws IOException {
        java.nio.file.Files.write(file, toBytes());
    }

    /**
     * Parses a signature.
     *
     * @param what names the source in errors
     * @throws dev.caravan.wire.CaravanException MALFORMED for anything but the format above
     */
    public static BundleSignature parse(byte[] bytes, String what) {
        if (bytes.length != BYTES) {
            throw ErrorCode.MALFORMED.exception(what + ": a bundle signature is " + BYTES + " bytes, got " + bytes.length
                    + (bytes.length < BYTES ? " (truncated?)" : ""));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[4];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw ErrorCode.MALFORMED.exception(what + ": not a Caravan bundle signature (bad magic)");
        }
        byte version = b.get();
        if (version != VERSION) {
            throw ErrorCode.MALFORMED.exception(what + ": signature format version " + version + " is not supported (this"
                    + " node reads version " + VERSION + ")");
        }
        byte algorithm = b.get();
        if (algorithm != ALGORITHM_ED25519) {
            throw ErrorCode.MALFORMED.exception(what + ": signature algorithm " + algorithm + " is not supported (1 = Ed25519)");
        }
        byte[] id = new byte[32];
        byte[] hash = new byte[32];
        byte[] sig = new byte[Ed25519.SIGNATURE_BYTES];
        b.get(id).get(hash).get(sig);
        return new BundleSignature(id, hash, sig);
    }

    /** Reads and parses a signature file. */
    public static BundleSignature read(Path file) throws IOException {
        return parse(KeyText.readBounded(file, BYTES), file.toString());
    }

    private static byte[] message(byte[] id, byte[] hash) {
        byte[] domain = DOMAIN.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(domain.length + 64).put(domain).put(id).put(hash).array();
    }

    private static byte[] hash(String hex) {
        if (!HASH.matcher(hex).matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("'" + hex + "' is not a SHA-256 in hex");
        }
        return HexFormat.of().parseHex(hex);
    }
}
