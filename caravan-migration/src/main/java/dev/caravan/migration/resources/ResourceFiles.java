package dev.caravan.migration.resources;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** File operations of {@link ResourceMigrator}, with its error mapping. Stateless; thread-safe. */
final class ResourceFiles {
    private ResourceFiles() {
    }

    /** Up to {@code maxBytes} of {@code p} from {@code offset}; empty at the end. */
    static byte[] readChunk(Path p, long offset, int maxBytes, String what) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.max(0, Math.min(maxBytes, ch.size() - offset)));
            while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
                // until the chunk is full or the file ends
            }
            return Arrays.copyOf(buf.array(), buf.position());
        } catch (NoSuchFileException e) {
            throw ErrorCode.NOT_FOUND.exception(what + " is exported but its file is gone");
        } catch (IOException e) {
            throw new CaravanException(ErrorCode.INTERNAL, "reading exported " + what + ": " + e, e);
        }
    }

    /** Writes {@code dir/name} atomically (a temporary file renamed over it). */
    static Path write(Path dir, String name, byte[] bytes) {
        Path target = dir.resolve(ResourceUri.checkSegment(name, "resource name")).normalize();
        if (!target.startsWith(dir)) {
            throw ErrorCode.INVALID_ARGUMENT.exception("resource name " + name + " leaves " + dir);
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".incoming-", ".tmp");
            Files.write(tmp, bytes);
            return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CaravanException(ErrorCode.INTERNAL, "writing resource " + name + " to " + target + ": " + e, e);
        }
    }

    static boolean sameBytes(Path p, byte[] bytes) {
        try {
            return Files.isRegularFile(p) && Files.size(p) == bytes.length && Arrays.equals(Files.readAllBytes(p), bytes);
        } catch (IOException e) {
            return false;
        }
    }

    static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    static byte[] readAll(Path p) {
        try {
            byte[] b = Files.readAllBytes(p);
            if (b.length > ResourceTransfer.MAX_PAYLOAD_BYTES) {
                throw ErrorCode.TOO_LARGE.exception(p + " grew to " + b.length + " bytes while being prepared");
            }
            return b;
        } catch (IOException e) {
            throw new CaravanException(ErrorCode.INTERNAL, "reading resource " + p + ": " + e, e);
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // Best effort on a rollback path; the original failure is what the caller reports.
        }
    }
}
