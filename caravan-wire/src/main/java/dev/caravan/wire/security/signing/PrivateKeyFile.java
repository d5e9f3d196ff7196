package dev.caravan.wire.security.signing;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Base64;

/**
 * A named Ed25519 key pair that signs bundles, and its file {@code NAME.key}, created with mode
 * 0600: one line of printable ASCII,
 *
 * <pre>
 * caravan-ed25519-private v1 BASE64(PKCS#8 private key) BASE64(X.509 SubjectPublicKeyInfo) NAME\n
 * </pre>
 *
 * The public half is kept beside the private one so that a signature can name its key id; on
 * reading, the pair is checked to belong together (a test signature). At most
 * {@value #MAX_FILE_BYTES} bytes. Immutable.
 */
public record PrivateKeyFile(String name, PrivateKey privateKey, PublicKeyFile publicKey) {
    public static final String MAGIC = "caravan-ed25519-private";
    public static final String VERSION = "v1";
    public static final int MAX_FILE_BYTES = 1024;

    public PrivateKeyFile {
        KeyText.name(name, "private key");
    }

    /** A new key pair named {@code name}. */
    public static PrivateKeyFile generate(String name) {
        KeyText.name(name, "key");
        KeyPair pair = Ed25519.generate();
        return new PrivateKeyFile(name, pair.getPrivate(), new PublicKeyFile(name, pair.getPublic()));
    }

    public String keyId() {
        return publicKey.keyId();
    }

    /** Ed25519 signature of {@code message}. */
    byte[] sign(byte[] message) {
        return Ed25519.sign(privateKey, message);
    }

    public byte[] toBytes() {
        Base64.Encoder b64 = Base64.getEncoder();
        return (MAGIC + " " + VERSION + " " + b64.encodeToString(privateKey.getEncoded()) + " "
                + b64.encodeToString(publicKey.key().getEncoded()) + " " + name + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Creates {@code file} with mode 0600 (where the file system has POSIX permissions) and writes
     * the key; refuses to overwrite an existing file.
     *
     * @throws dev.caravan.wire.CaravanException ALREADY_EXISTS when the file exists
     */
    public void writeNew(Path file) throws IOException {
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            throw ErrorCode.ALREADY_EXISTS.exception(file + " exists; choose another key name or remove it");
        }
        Files.write(file, toBytes());
    }

    /**
     * Parses a file's bytes.
     *
     * @throws dev.caravan.wire.CaravanException MALFORMED for anything but the format above, or a
     *                                           pair whose halves do not belong together
     */
    public static PrivateKeyFile parse(byte[] bytes, String what) {
        if (bytes.length > MAX_FILE_BYTES) {
            throw ErrorCode.MALFORMED.exception(what + ": longer than " + MAX_FILE_BYTES + " bytes; not a Caravan private key");
        }
        String[] f = KeyText.fields(bytes, 5, MAGIC, VERSION, what);
        PrivateKey priv = Ed25519.privateKey(KeyText.base64(f[2], what), what);
        String name = KeyText.name(f[4], what);
        PublicKeyFile pub = new PublicKeyFile(name, Ed25519.publicKey(KeyText.base64(f[3], what), what));
        byte[] probe = "caravan key pair check".getBytes(StandardCharsets.US_ASCII);
        if (!Ed25519.verify(pub.key(), probe, Ed25519.sign(priv, probe))) {
            throw ErrorCode.MALFORMED.exception(what + ": its private and public keys do not belong together");
        }
        return new PrivateKeyFile(name, priv, pub);
    }

    public static PrivateKeyFile read(Path file) throws IOException {
        return parse(KeyText.readBounded(file, MAX_FILE_BYTES), file.toString());
    }
}
