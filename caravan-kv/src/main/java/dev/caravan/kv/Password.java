package dev.caravan.kv;

import dev.caravan.wire.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The process's password, as Redis's {@code requirepass} gives the {@code default} user one: the
 * deployment stores only its SHA-256 (64 hex digits) under {@link #CONFIG_KEY} in the process
 * config, never the password itself. Without that key the {@code default} user has no password
 * ({@code nopass}): every client is authenticated from the start and {@code AUTH user pass}
 * accepts any password, as redis-server does. Immutable.
 */
final class Password {
    /** Process config key holding the SHA-256 of the password, lower-case hex. */
    static final String CONFIG_KEY = "auth.password.sha256";
    /** The one user there is, as in a redis-server without ACL users. */
    static final String DEFAULT_USER = "default";

    private static final Password NONE = new Password(null);
    private static final byte[] DEFAULT_USER_BYTES = DEFAULT_USER.getBytes(StandardCharsets.US_ASCII);

    private final byte[] sha256;

    private Password(byte[] sha256) {
        this.sha256 = sha256;
    }

    /**
     * The password configured under {@link #CONFIG_KEY}, or none when the key is absent.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT when the value is not 64 hex digits
     */
    static Password fromConfig(Map<String, String> config) {
        String hex = config.get(CONFIG_KEY);
        if (hex == null) {
            return NONE;
        }
        String h = hex.strip();
        if (h.length() != 64 || !h.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            throw ErrorCode.INVALID_ARGUMENT.exception(CONFIG_KEY + " must be the SHA-256 of the password as 64 hex digits, got "
                    + h.length() + " characters; set it again with the deploy password option");
        }
        return new Password(HexFormat.of().parseHex(h));
    }

    /** Whether clients must authenticate before other commands (Redis: the default user is not nopass). */
    boolean required() {
        return sha256 != null;
    }

    /**
     * Redis's {@code ACLCheckUserCredentials} for the only user, {@code default}: any password
     * when none is configured, otherwise its SHA-256 compared in constant time.
     */
    boolean matches(byte[] user, byte[] password) {
        if (!MessageDigest.isEqual(user, DEFAULT_USER_BYTES)) {
            return false;
        }
        return sha256 == null || MessageDigest.isEqual(sha256(password), sha256);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The lower-case hex SHA-256 of {@code password}, as deployments store it (for tests and tools). */
    static String hash(String password) {
        return HexFormat.of().formatHex(sha256(password.getBytes(StandardCharsets.UTF_8)));
    }
}
