package dev.caravan.pki;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * PEM files as Caravan writes them (RFC 7468): certificates as {@code CERTIFICATE}, private keys
 * as unencrypted PKCS#8 {@code PRIVATE KEY}, 64-column base64, US-ASCII, {@code \n} line ends.
 * A private key file is created with mode 0600 (owner read/write) before any byte is written.
 */
final class Pem {
    private static final String KEY_LABEL = "PRIVATE KEY";
    private static final String CERT_LABEL = "CERTIFICATE";

    private Pem() {
    }

    static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
        try {
            writeAtomically(file, encode(CERT_LABEL, certificate.getEncoded()), false);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException("cannot encode certificate: " + e.getMessage(), e);
        }
    }

    static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        writeAtomically(file, encode(KEY_LABEL, key.getEncoded()), true);
    }

    static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static PrivateKey readPrivateKey(Path file, String algorithm) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + KEY_LABEL + "-----";
        String end = "-----END " + KEY_LABEL + "-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) {
            throw new GeneralSecurityException(file + " is not an unencrypted PKCS#8 PEM private key");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    /** Writes to a temporary sibling (0600 when {@code secret}) and renames it over {@code file}. */
    private static void writeAtomically(Path file, String text, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            if (secret && dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(tmp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another writer is making " + file, e);
        }
        Files.writeString(tmp, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
