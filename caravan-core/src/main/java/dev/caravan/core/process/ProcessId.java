package dev.caravan.core.process;

import dev.caravan.wire.ErrorCode;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A cluster-unique process identity: 64 random bits, printed as 16 hex digits. Random, so
 * nodes mint ids without coordinating and a clone gets a fresh one.
 */
public record ProcessId(long value) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static ProcessId random() {
        return new ProcessId(RANDOM.nextLong());
    }

    public static ProcessId parse(String hex) {
        if (hex.length() != 16) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a process id is 16 hex digits, got '" + hex + "'");
        }
        try {
            return new ProcessId(HexFormat.fromHexDigitsToLong(hex));
        } catch (IllegalArgumentException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a process id is 16 hex digits, got '" + hex + "'");
        }
    }

    @Override
    public String toString() {
        return HexFormat.of().toHexDigits(value);
    }
}
