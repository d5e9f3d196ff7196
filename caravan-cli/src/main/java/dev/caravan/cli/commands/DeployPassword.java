package dev.caravan.cli.commands;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;

/**
 * A process's password for {@code caravan deploy}: read from a file ({@code --password-file})
 * or an environment variable ({@code --password-env}), never from the command line (which
 * {@code ps} shows every user of the machine). Only its SHA-256, in lower-case hex, leaves this
 * class: it goes into the process's config under {@link #CONFIG_KEY}, which moves with the
 * process (migration, clone, checkpoint and restore carry the whole spec), and which the
 * process checks {@code AUTH} against.
 *
 * <p>A file's content is the password as bytes, without one trailing line end ({@code \n} or
 * {@code \r\n}), so that {@code echo secret > file} works; an environment variable's value
 * is encoded as UTF-8.
 */
final class DeployPassword {
    /** The config key the SHA-256 (lower-case hex) of the password is stored under. */
    static final String CONFIG_KEY = "auth.password.sha256";
    /** The most bytes a password file may hold, checked before it is read. */
    static final long MAX_FILE_BYTES = 64 * 1024;

    private DeployPassword() {
    }

    /**
     * The SHA-256 of the password the options name, or empty when neither is given.
     *
     * @param env looks an environment variable up (null when unset)
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT or NOT_FOUND, worded for the user
     */
    static Optional<String> sha256(Path file, String envVar, Function<String, String> env) {
        if (file != null && envVar != null) {
            throw ErrorCode.INVALID_ARGUMENT.exception("give --password-file or --password-env, not both");
        }
        if (file != null) {
            return Optional.of(hex(fromFile(file)));
        }
        if (envVar != null) {
            String value = env.apply(envVar);
            if (value == null) {
                throw ErrorCode.NOT_FOUND.exception("environment variable " + envVar + " (--password-env) is not set");
            }
            if (value.isEmpty()) {
                throw ErrorCode.INVALID_ARGUMENT.exception("environment variable " + envVar + " (--password-env) is empty;"
                        + " set it to the password");
            }
            return Optional.of(hex(value.getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }

    private static byte[] fromFile(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw ErrorCode.INVALID_ARGUMENT.exception("password file " + file + " is larger than " + MAX_FILE_BYTES
                        + " bytes; it should hold the password alone");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw ErrorCode.NOT_FOUND.exception("password file " + file + " does not exist");
        } catch (IOException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception("cannot read password file " + file + ": " + e.getMessage());
        }
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\n') {
            end--;
            if (end > 0 && bytes[end - 1] == '\r') {
                end--;
            }
        }
        if (end == 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("password file " + file + " is empty; write the password into it");
        }
        return Arrays.copyOf(bytes, end);
    }

    static String hex(byte[] password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
