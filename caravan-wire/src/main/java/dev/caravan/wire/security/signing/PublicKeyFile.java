package dev.caravan.wire.security.signing;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;

/**
 * A named Ed25519 public key, and its file {@code NAME.pub}: one line of printable ASCII,
 *
 * <pre>
 * caravan-ed25519-public v1 BASE64(X.509 SubjectPublicKeyInfo, 44 bytes) NAME\n
 * </pre>
 *
 * At most {@value #MAX_FILE_BYTES} bytes; anything else (another magic or version, a truncated
 * line, a key of another length or algorithm) is refused with MALFORMED naming the defect.
 * Immutable.
 */
public record PublicKeyFile(String name, PublicKey key) {
    /** The first field. */
    public static final String MAGIC = "caravan-ed25519-public";
    /** The second field: this format's version. */
    public static final String VERSION = "v1";
    /** The longest file accepted. */
    public static final int MAX_FILE_BYTES = 512;

    public PublicKeyFile {
        KeyText.name(name, "public key");
        if (key.getEncoded() == null || key.getEncoded().length != Ed25519.PUBLIC_ENCODED_BYTES) {
            throw ErrorCode.INVALID_ARGUMENT.exception("not an Ed25519 public key");
        }
    }

    /** The key id ({@link KeyId#of}). */
    public String keyId() {
        return KeyId.of(key);
    }

    /** The file's bytes. */
    public byte[] toBytes() {
        return (MAGIC + " " + VERSION + " " + Base64.getEncoder().encodeToString(key.getEncoded()) + " " + name + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes the file (readable by all: it is public). */
    public void write(Path file) throws IOException {
        Files.write(file, toBytes());
    }

    /**
     * Parses a file's bytes.
     *
     * @param what names the source in errors (a path)
     * @throws dev.caravan.wire.CaravanException MALFORMED for anything but the format above
     */
    public static PublicKeyFile parse(byte[] bytes, String what) {
        if (bytes.length > MAX_FILE_BYTES) {
            throw ErrorCode.MALFORMED.exception(what + ": longer than " + MAX_FILE_BYTES + " bytes; not a Caravan public key");
        }
        String[] f = KeyText.fields(bytes, 4, MAGIC, VERSION, what);
        PublicKey key = Ed25519.publicKey(KeyText.base64(f[2], what), what);
        return new PublicKeyFile(KeyText.name(f[3], what), key);
    }

    /** Reads and parses {@code file} (NOT_FOUND when it is missing). */
    public static PublicKeyFile read(Path file) throws IOException {
        return parse(KeyText.readBounded(file, MAX_FILE_BYTES), file.toString());
    }
}
