package dev.caravan.wire.security;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tokens with roles: who a HELLO's token says the peer is. The file holds the SHA-256 of each
 * token, never the token itself, so reading it does not let anyone act as its holders.
 *
 * <p>Format (version 1), UTF-8 text, one token a line:
 * <pre>
 * caravan-tokens 1
 * # comment lines and blank lines are ignored
 * NAME ROLE SLICE SHA256
 * ann  admin    -      9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 * bob  operator tenant-a 60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752
 * </pre>
 * Fields are separated by spaces or tabs. NAME is an {@link Identity} name (unique in the file),
 * ROLE one of {@code viewer|operator|admin|node}, SLICE a slice name or {@code -} for none, SHA256
 * the token's digest in 64 lower-case hex digits (unique in the file). The first non-comment line
 * must be the header {@code caravan-tokens 1}.
 *
 * <p>Immutable and thread-safe. {@link #identify} compares the digest with every entry in
 * constant time (no early exit), so timing tells nothing of which entry, if any, matched.
 */
public final class TokenTable {
    /** The header line of a version-1 file. */
    public static final String HEADER = "caravan-tokens 1";
    /** How a token is written: a prefix, then 32 random bytes in URL-safe base64. */
    public static final String TOKEN_PREFIX = "cvt_";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final TokenTable EMPTY = new TokenTable(List.of());

    /** One line of the file. */
    public record Entry(String name, Role role, String slice, byte[] sha256) {
        /** The line as written in the file. */
        public String line() {
            return name + " " + role.label() + " " + (slice.isEmpty() ? "-" : slice) + " " + HexFormat.of().formatHex(sha256);
        }
    }

    private final List<Entry> entries;

    private TokenTable(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** A table that knows no token. */
    public static TokenTable empty() {
        return EMPTY;
    }

    public List<Entry> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * Reads a tokens file.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT naming the file and line of the first error,
     *                                           NOT_FOUND when it cannot be read
     */
    public static TokenTable read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ErrorCode.NOT_FOUND.exception("cannot read tokens file " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /**
     * Parses the text of a tokens file; {@code source} names it in errors.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT "source:line: what is wrong"
     */
    public static TokenTable parse(String text, String source) {
        List<Entry> entries = new ArrayList<>();
        boolean header = false;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + ":" + (i + 1) + ": ";
            if (!header) {
                if (!line.equals(HEADER)) {
                    throw ErrorCode.INVALID_ARGUMENT.exception(where + "expected the header '" + HEADER
                            + "' (a tokens file of another version, or not a tokens file)");
                }
                header = true;
                continue;
            }
            entries.add(parseEntry(line, where, entries));
        }
        if (!header) {
            throw ErrorCode.INVALID_ARGUMENT.exception(source + ": empty; a tokens file starts with '" + HEADER + "'");
        }
        return new TokenTable(entries);
    }

    private static Entry parseEntry(String line, String where, List<Entry> before) {
        String[] f = line.split("[ \t]+");
        if (f.length != 4) {
            throw ErrorCode.INVALID_ARGUMENT.exception(where + "expected 4 fields 'NAME ROLE SLICE SHA256', got " + f.length);
        }
        Identity check;
        try {
            check = new Identity(f[0], Role.parse(f[1]), f[2].equals("-") ? Identity.NO_SLICE : f[2], "token");
        } catch (RuntimeException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception(where + e.getMessage());
        }
        if (!HEX.matcher(f[3]).matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception(where + "the SHA-256 must be 64 lower-case hex digits (the token's digest,"
                    + " never the token)");
        }
        byte[] digest = HexFormat.of().parseHex(f[3]);
        for (Entry e : before) {
            if (e.name().equals(check.name())) {
                throw ErrorCode.INVALID_ARGUMENT.exception(where + "token name '" + check.name() + "' appears twice");
            }
            if (MessageDigest.isEqual(e.sha256(), digest)) {
                throw ErrorCode.INVALID_ARGUMENT.exception(where + "the same token as '" + e.name() + "'");
            }
        }
        return new Entry(check.name(), check.role(), check.slice(), digest);
    }

    /** The identity whose token this is; empty when none matches. Constant time in the token. */
    public Optional<Identity> identify(String token) {
        byte[] digest = sha256(token);
        Entry found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.sha256(), digest) && found == null) {
                found = e;
            }
        }
        return found == null ? Optional.empty() : Optional.of(new Identity(found.name(), found.role(), found.slice(), "token"));
    }

    /**
     * This table with one more entry for a new random token; the token is returned once, the table keeps its digest.
     *
     * @throws dev.caravan.wire.CaravanException ALREADY_EXISTS when the name is taken, INVALID_ARGUMENT for a bad name or slice
     */
    public Added add(String name, Role role, String slice) {
        Identity who = new Identity(name, role, slice, "token");
        for (Entry e : entries) {
            if (e.name().equals(name)) {
                throw ErrorCode.ALREADY_EXISTS.exception("a token named '" + name + "' exists; choose another name");
            }
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        List<Entry> more = new ArrayList<>(entries);
        more.add(new Entry(who.name(), who.role(), who.slice(), sha256(token)));
        return new Added(new TokenTable(more), token);
    }

    /** A table with a new entry, and the token that entry stands for. */
    public record Added(TokenTable table, String token) {
    }

    /** The file's text: the header and one line per entry. */
    public String format() {
        StringBuilder b = new StringBuilder(HEADER).append('\n').append("# NAME ROLE SLICE SHA256 (of the token; never the token)\n");
        entries.forEach(e -> b.append(e.line()).append('\n'));
        return b.toString();
    }

    /** The SHA-256 of a token's UTF-8 bytes. */
    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
