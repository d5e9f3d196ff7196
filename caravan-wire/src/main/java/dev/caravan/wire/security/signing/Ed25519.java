package dev.caravan.wire.security.signing;

import dev.caravan.wire.ErrorCode;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/** The JDK's Ed25519, wrapped so that callers see {@link dev.caravan.wire.CaravanException}s only. Stateless. */
final class Ed25519 {
    static final String ALGORITHM = "Ed25519";
    /** Length of an Ed25519 signature. */
    static final int SIGNATURE_BYTES = 64;
    /** Length of an Ed25519 SubjectPublicKeyInfo encoding. */
    static final int PUBLIC_ENCODED_BYTES = 44;
    /** Longest PKCS#8 encoding accepted (the JDK writes 48 bytes; with the optional public key, 83). */
    static final int MAX_PRIVATE_ENCODED_BYTES = 128;

    private Ed25519() {
    }

    static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is missing from this JVM", e);
        }
    }

    static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception("cannot sign with this key: " + e.getMessage());
        }
    }

    static boolean verify(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static PublicKey publicKey(byte[] encoded, String what) {
        if (encoded.length != PUBLIC_ENCODED_BYTES) {
            throw ErrorCode.MALFORMED.exception(what + ": an Ed25519 public key is " + PUBLIC_ENCODED_BYTES
                    + " bytes encoded, got " + encoded.length);
        }
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw ErrorCode.MALFORMED.exception(what + ": not an Ed25519 public key (" + e.getMessage() + ")");
        }
    }

    static PrivateKey privateKey(byte[] encoded, String what) {
        if (encoded.length > MAX_PRIVATE_ENCODED_BYTES) {
            throw ErrorCode.MALFORMED.exception(what + ": private key of " + encoded.length + " bytes is too long");
        }
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(encoded));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw ErrorCode.MALFORMED.exception(what + ": not an Ed25519 private key (" + e.getMessage() + ")");
        }
    }
}
