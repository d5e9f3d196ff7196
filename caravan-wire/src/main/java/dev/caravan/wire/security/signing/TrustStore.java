package dev.caravan.wire.security.signing;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The trust directory a node reads ({@code caravan node --trust-dir DIR}, default
 * {@code .caravan/trust}) and {@code caravan keys trust|revoke} write:
 *
 * <pre>
 * DIR/NAME.KEYID16.pub   a trusted key ({@link PublicKeyFile} format), one file per key
 * DIR/revoked            revoked key ids: one 64-hex-digit id per line; '#' comments and blank lines allowed
 * </pre>
 *
 * A revoked key stays revoked even while its {@code .pub} file is present (so that {@code keys ls}
 * can show it). Nothing is cached here: {@link #load} reads the directory again, so a node that
 * loads it at every check sees a revocation at once, without a restart ({@link CodePolicy} parses
 * again only when the directory's {@link #stamp} changed). At most {@value #MAX_KEYS} key
 * files and a {@code revoked} file of at most {@value #MAX_REVOKED_BYTES} bytes; a malformed file
 * makes {@link #load} fail (MALFORMED, naming the file), so that a broken trust directory trusts
 * nothing rather than something unintended. Writers replace files atomically; concurrent writers
 * of the {@code revoked} list may lose an id (the CLI is the only writer).
 */
public final class TrustStore {
    public static final String REVOKED_FILE = "revoked";
    public static final int MAX_KEYS = 1024;
    public static final int MAX_REVOKED_BYTES = 1 << 20;
    private static final Pattern FULL_ID = Pattern.compile("[0-9a-f]{64}");

    /** One key of the directory. */
    public record Entry(String keyId, String name, boolean revoked, Path file) {
    }

    /** What the directory held when it was read. */
    public record Snapshot(List<PublicKeyFile> trusted, Set<String> revoked, List<Path> files) {
        /** The trusted key with this id, or null. */
        public PublicKeyFile key(String keyId) {
            for (PublicKeyFile k : trusted) {
                if (k.keyId().equals(keyId)) {
                    return k;
                }
            }
            return null;
        }
    }

    private final Path dir;

    public TrustStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Reads the directory now. A missing directory trusts nothing.
     *
     * @throws dev.caravan.wire.CaravanException MALFORMED naming a file that is not in its format, or
     *                                           TOO_LARGE when the directory exceeds its limits
     */
    public Snapshot load() throws IOException {
        List<PublicKeyFile> trusted = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> pubs = Files.newDirectoryStream(dir, "*.pub")) {
                for (Path p : pubs) {
                    if (files.size() == MAX_KEYS) {
                        throw ErrorCode.TOO_LARGE.exception("trust directory " + dir + " holds more than " + MAX_KEYS + " keys");
                    }
                    files.add(p);
                }
            }
        }
        files.sort(Comparator.naturalOrder());
        for (Path p : files) {
            trusted.add(PublicKeyFile.read(p));
        }
        return new Snapshot(List.copyOf(trusted), readRevoked(), List.copyOf(files));
    }

    /**
     * What identifies the directory's content cheaply, without parsing a key: each file's name,
     * size and modification time. Two equal stamps mean the same content unless a file was
     * rewritten within the file system's timestamp granularity with the same size.
     */
    public String stamp() throws IOException {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
            for (Path p : all) {
                if (parts.size() > MAX_KEYS + 1) {
                    break;
                }
                java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(p,
                        java.nio.file.attribute.BasicFileAttributes.class);
                parts.add(p.getFileName() + "/" + a.size() + "/" + a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
            }
        }
        parts.sort(Comparator.naturalOrder());
        return String.join("|", parts);
    }

    /** Every key of the directory, revoked ones marked, in file-name order. */
    public List<Entry> list() throws IOException {
        Snapshot s = load();
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < s.trusted().size(); i++) {
            PublicKeyFile k = s.trusted().get(i);
            out.add(new Entry(k.keyId(), k.name(), s.revoked().contains(k.keyId()), s.files().get(i)));
        }
        return out;
    }

    /**
     * Trusts {@code key}: writes {@code NAME.KEYID16.pub} (again, if present).
     *
     * @throws dev.caravan.wire.CaravanException FORBIDDEN when the key is revoked
     */
    public Path trust(PublicKeyFile key) throws IOException {
        if (readRevoked().contains(key.keyId())) {
            throw ErrorCode.FORBIDDEN.exception("key " + KeyId.shortForm(key.keyId()) + " (" + key.name() + ") is revoked in "
                    + dir + "; a revoked key cannot be trusted again (remove its line from " + dir.resolve(REVOKED_FILE)
                    + " if you really mean it)");
        }
        Files.createDirectories(dir);
        Path file = dir.resolve(key.name() + "." + KeyId.shortForm(key.keyId()) + ".pub");
        writeAtomically(file, key.toBytes());
        return file;
    }

    /**
     * Revokes a key given by its id or an unambiguous prefix of a trusted key's id (at least
     * {@value KeyId#SHORT_HEX_DIGITS} hex digits); returns the full id. A full id may be revoked
     * even when no file of the directory holds it.
     *
     * @throws dev.caravan.wire.CaravanException NOT_FOUND or INVALID_ARGUMENT when the prefix names no key or several
     */
    public String revoke(String keyIdOrPrefix) throws IOException {
        String prefix = KeyId.parsePrefix(keyIdOrPrefix);
        String id = null;
        for (PublicKeyFile k : load().trusted()) {
            if (k.keyId().startsWith(prefix)) {
                if (id != null && !id.equals(k.keyId())) {
                    throw ErrorCode.INVALID_ARGUMENT.exception("key id prefix " + prefix + " names several keys; give more digits");
                }
                id = k.keyId();
            }
        }
        if (id == null) {
            if (!FULL_ID.matcher(prefix).matches()) {
                throw ErrorCode.NOT_FOUND.exception("no trusted key in " + dir + " has an id starting " + prefix
                        + "; give the full 64-digit id or the key's .pub file");
            }
            id = prefix;
        }
        Set<String> revoked = readRevoked();
        if (revoked.add(id)) {
            Files.createDirectories(dir);
            StringBuilder text = new StringBuilder("# revoked key ids (caravan keys revoke); one per line\n");
            revoked.forEach(r -> text.append(r).append('\n'));
            writeAtomically(dir.resolve(REVOKED_FILE), text.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return id;
    }

    private Set<String> readRevoked() throws IOException {
        Path file = dir.resolve(REVOKED_FILE);
        Set<String> ids = new LinkedHashSet<>();
        if (!Files.exists(file)) {
            return ids;
        }
        byte[] bytes = KeyText.readBounded(file, MAX_REVOKED_BYTES);
        int lineNo = 0;
        for (String line : new String(bytes, StandardCharsets.US_ASCII).split("\n", -1)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (!FULL_ID.matcher(t).matches()) {
                throw ErrorCode.MALFORMED.exception(file + " line " + lineNo + ": not a 64-hex-digit key id");
            }
            ids.add(t);
        }
        return ids;
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".part");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
