package dev.caravan.wire.security.signing;

import dev.caravan.wire.ErrorCode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A key's id: the SHA-256 fingerprint of its X.509 SubjectPublicKeyInfo encoding
 * ({@link PublicKey#getEncoded()}), 64 lower-case hex digits. Users see the first
 * {@value #SHORT_HEX_DIGITS} digits ({@link #shortForm}) and may name a key by any prefix of at
 * least that many.
 */
public final class KeyId {
    /** Hex digits shown to users and accepted as the shortest prefix. */
    public static final int SHORT_HEX_DIGITS = 16;
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{" + SHORT_HEX_DIGITS + ",64}");

    private KeyId() {
    }

    /** The id of {@code key}. */
    public static String of(PublicKey key) {
        return HexFormat.of().formatHex(sha256(key.getEncoded()));
    }

    /** The first {@value #SHORT_HEX_DIGITS} hex digits of an id (or the id itself when shorter). */
    public static String shortForm(String keyId) {
        return keyId.length() <= SHORT_HEX_DIGITS ? keyId : keyId.substring(0, SHORT_HEX_DIGITS);
    }

    /**
     * Checks that {@code text} is an id or a prefix of one users may type.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT otherwise
     */
    public static String parsePrefix(String text) {
        if (!HEX.matcher(text).matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("'" + text + "' is not a key id: give " + SHORT_HEX_DIGITS
                    + " to 64 lower-case hex digits (see 'caravan keys ls')");
        }
        return text;
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
