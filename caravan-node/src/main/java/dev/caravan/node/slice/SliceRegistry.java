package dev.caravan.node.slice;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.security.Identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The cluster's slice definitions: one file per slice in a policy directory that every node reads
 * ({@code caravan node --slices-dir DIR}, default {@code .caravan/slices}) and that
 * {@code caravan slice create|quota} writes. Files, not naming entries: naming entries live and die
 * with a lease, a slice outlives every daemon; a directory works the same with the embedded naming
 * and with ZooKeeper, and is what configuration management already distributes to hosts.
 *
 * <p>A slice's file is {@code DIR/NAME.slice}, UTF-8, version 1:
 * <pre>
 * caravan-slice 1
 * memory-bytes 1073741824
 * processes 10
 * connections 1000
 * </pre>
 * Each quota line is {@code KEY VALUE} with a non-negative decimal (0: no limit); every key must
 * appear once; unknown keys are refused. Files are replaced atomically when written.
 *
 * <p>Thread-safe: every {@link #get} reads the file again, so a change is seen at the next deploy
 * without a restart (deploys are rare next to the cost of reading a small file).
 */
public final class SliceRegistry {
    /** The first line of a version-1 slice file. */
    public static final String HEADER = "caravan-slice 1";
    /** Where slices are kept unless told otherwise (relative to the working directory, like {@code .caravan/nodes}). */
    public static final Path DEFAULT_DIR = Path.of(".caravan", "slices");
    private static final String SUFFIX = ".slice";

    private final Path dir;

    public SliceRegistry(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /**
     * The slice's definition, read now; empty when it has no file.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT naming the file and line when it is malformed
     */
    public Optional<SliceDefinition> get(String name) {
        Identity.checkSlice(name);
        Path file = dir.resolve(name + SUFFIX);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw ErrorCode.UNAVAILABLE.exception("cannot read slice file " + file + ": " + e.getMessage());
        }
        return Optional.of(parse(name, text, file.toString()));
    }

    /** Every slice, by name. */
    public List<SliceDefinition> list() {
        List<SliceDefinition> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String file = f.getFileName().toString();
                if (file.endsWith(SUFFIX)) {
                    get(file.substring(0, file.length() - SUFFIX.length())).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw ErrorCode.UNAVAILABLE.exception("cannot list slices in " + dir + ": " + e.getMessage());
        }
        return out;
    }

    /** Writes (creates or replaces) a slice's file atomically. */
    public void put(SliceDefinition slice) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(slice.name() + SUFFIX);
        Path tmp = dir.resolve("." + slice.name() + SUFFIX + ".tmp");
        Files.writeString(tmp, slice.format(), StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Parses a slice file's text.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT "source:line: what is wrong"
     */
    public static SliceDefinition parse(String name, String text, String source) {
        String[] lines = text.split("\r?\n", -1);
        Long memory = null;
        Long processes = null;
        Long connections = null;
        boolean header = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + ":" + (i + 1) + ": ";
            if (!header) {
                if (!line.equals(HEADER)) {
                    throw ErrorCode.INVALID_ARGUMENT.exception(where + "expected the header '" + HEADER + "'");
                }
                header = true;
                continue;
            }
            String[] f = line.split("[ \t]+");
            if (f.length != 2) {
                throw ErrorCode.INVALID_ARGUMENT.exception(where + "expected 'KEY VALUE'");
            }
            long value = number(f[1], where);
            switch (f[0]) {
                case "memory-bytes" -> memory = once(memory, value, where, f[0]);
                case "processes" -> processes = once(processes, value, where, f[0]);
                case "connections" -> connections = once(connections, value, where, f[0]);
                default -> throw ErrorCode.INVALID_ARGUMENT.exception(where + "unknown key '" + f[0]
                        + "' (memory-bytes, processes, connections)");
            }
        }
        if (!header || memory == null || processes == null || connections == null) {
            throw ErrorCode.INVALID_ARGUMENT.exception(source + ": needs the header '" + HEADER
                    + "' and memory-bytes, processes and connections");
        }
        if (processes > Integer.MAX_VALUE || connections > Integer.MAX_VALUE) {
            throw ErrorCode.INVALID_ARGUMENT.exception(source + ": processes and connections must be at most " + Integer.MAX_VALUE);
        }
        return new SliceDefinition(name, memory, processes.intValue(), connections.intValue());
    }

    private static long number(String text, String where) {
        try {
            long v = Long.parseLong(text);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // Refused below with the line.
        }
        throw ErrorCode.INVALID_ARGUMENT.exception(where + "'" + text + "' is not a non-negative number");
    }

    private static Long once(Long previous, long value, String where, String key) {
        if (previous != null) {
            throw ErrorCode.INVALID_ARGUMENT.exception(where + key + " appears twice");
        }
        return value;
    }
}
