package dev.caravan.wire.security.signing;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Pattern;

/** Reading of the one-line key files: bounded, strict, one clear error per defect. Stateless. */
final class KeyText {
    /** Names of keys: what {@code caravan keys new NAME} accepts. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private KeyText() {
    }

    /** Reads at most {@code maxBytes} of {@code file}, refusing a longer file before reading it all. */
    static byte[] readBounded(Path file, int maxBytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw ErrorCode.MALFORMED.exception(file + ": longer than " + maxBytes + " bytes; not a Caravan key or signature file");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw ErrorCode.NOT_FOUND.exception("no file " + file);
        }
    }

    /**
     * The fields of a one-line file: exactly {@code count} fields separated by single spaces, then one
     * newline, the first two being {@code magic} and {@code version} (checked first, so that a file of
     * another kind is named as such).
     */
    static String[] fields(byte[] bytes, int count, String magic, String version, String what) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.endsWith("\n") || text.indexOf('\n') != text.length() - 1) {
            throw ErrorCode.MALFORMED.exception(what + ": must be exactly one line ending in a newline (truncated?)");
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] < 0x20 && bytes[i] != '\n' || bytes[i] > 0x7e) {
                throw ErrorCode.MALFORMED.exception(what + ": byte " + i + " is not printable ASCII");
            }
        }
        String[] f = text.substring(0, text.length() - 1).split(" ", -1);
        expect(f[0], magic, what);
        if (f.length < 2) {
            throw ErrorCode.MALFORMED.exception(what + ": no version field");
        }
        expect(f[1], version, what);
        if (f.length != count) {
            throw ErrorCode.MALFORMED.exception(what + ": expected " + count + " space-separated fields, got " + f.length);
        }
        return f;
    }

    static byte[] base64(String field, String what) {
        try {
            return Base64.getDecoder().decode(field);
        } catch (IllegalArgumentException e) {
            throw ErrorCode.MALFORMED.exception(what + ": not base64 (" + e.getMessage() + ")");
        }
    }

    static String name(String field, String what) {
        if (!NAME.matcher(field).matches()) {
            throw ErrorCode.MALFORMED.exception(what + ": key name '" + field + "' must be 1-64 letters, digits, '-', '_' or '.'");
        }
        return field;
    }

    static void expect(String field, String expected, String what) {
        if (!field.equals(expected)) {
            throw ErrorCode.MALFORMED.exception(what + ": starts with '" + field + "', expected '" + expected + "'");
        }
    }
}
