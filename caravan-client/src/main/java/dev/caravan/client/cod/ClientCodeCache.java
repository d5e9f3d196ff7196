package dev.caravan.client.cod;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Client bundles kept on the client's disk by content: {@code <sha256>.jar}, plus one small file
 * per process, {@code process-<name>.hash}, holding the hash that process published last (so that
 * the next fetch can say which copy the client holds). A cached jar is hashed again whenever it
 * is read: a copy changed on disk is deleted and fetched again, never loaded. Safe for several
 * clients at once (files are written whole, then renamed into place).
 */
final class ClientCodeCache {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;

    ClientCodeCache(Path dir) {
        this.dir = dir;
    }

    /** The hash of the copy held for {@code process}, if the client holds one. */
    Optional<String> cachedHashOf(String process) {
        Path index = dir.resolve("process-" + process + ".hash");
        try {
            if (!Files.isRegularFile(index) || Files.size(index) > 128) {
                return Optional.empty();
            }
            String hash = Files.readString(index, StandardCharsets.US_ASCII).strip();
            return HASH.matcher(hash).matches() && Files.isRegularFile(jar(hash)) ? Optional.of(hash) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    boolean has(String hash) {
        return Files.isRegularFile(jar(hash));
    }

    /**
     * The cached jar's bytes if it still hashes to {@code hash}; empty (and the file deleted)
     * when it is missing, larger than {@code maxBytes} or changed.
     */
    Optional<byte[]> read(String hash, int maxBytes) throws IOException {
        Path file = jar(hash);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        if (Files.size(file) > maxBytes) {
            Files.deleteIfExists(file);
            return Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(file);
        if (!sha256(bytes).equals(hash)) {
            Files.deleteIfExists(file);
            return Optional.empty();
        }
        return Optional.of(bytes);
    }

    /** Stores verified bytes under their hash and records that {@code process} publishes it. */
    void store(String process, String hash, byte[] verified) throws IOException {
        Files.createDirectories(dir);
        Path file = jar(hash);
        if (!Files.isRegularFile(file)) {
            write(file, verified);
        }
        write(dir.resolve("process-" + process + ".hash"), hash.getBytes(StandardCharsets.US_ASCII));
    }

    private void write(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    Path jar(String hash) {
        if (!HASH.matcher(hash).matches()) {
            throw ErrorCode.MALFORMED.exception("a client bundle hash must be 64 lower-case hex digits, got '" + hash + "'");
        }
        return dir.resolve(hash + ".jar");
    }

    /** SHA-256 of {@code bytes} as 64 lower-case hex digits. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
