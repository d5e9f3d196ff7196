package dev.caravan.switching.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The switch's config file: the front ends it runs from the start.
 * <pre>
 * {"version": 1, "frontends": [ {front end, see FrontendSpecJson}, … ]}
 * </pre>
 * The whole file is read and checked before anything starts: JSON syntax, version, every field
 * of every front end, unique names, no two front ends on one fixed address. Files larger than
 * {@value #MAX_FILE_BYTES} bytes are refused before they are read.
 *
 * <p>Threading: stateless; thread-safe.
 */
public final class SwitchConfigFile {
    public static final int VERSION = 1;
    public static final int MAX_FILE_BYTES = 1 << 20;
    private static final Set<String> TOP_FIELDS = Set.of("version", "frontends");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SwitchConfigFile() {
    }

    /**
     * Reads and checks {@code file}.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT naming the file and the field, NOT_FOUND for a missing file
     */
    public static List<FrontendSpec> load(Path file) {
        String source = file.toString();
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw ErrorCode.INVALID_ARGUMENT.exception(source + ": larger than " + MAX_FILE_BYTES + " bytes");
            }
            return parse(Files.readString(file), source);
        } catch (NoSuchFileException e) {
            throw ErrorCode.NOT_FOUND.exception(source + ": no such config file");
        } catch (IOException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception(source + ": cannot be read: " + e.getMessage());
        }
    }

    /** Parses the text of a config file; {@code source} names it in errors. */
    public static List<FrontendSpec> parse(String text, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception(source + ": not valid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw ConfigException.at(source, "(top)", "must be a JSON object {\"version\": 1, \"frontends\": [...]}");
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!TOP_FIELDS.contains(f)) {
                throw ConfigException.at(source, f, "unknown field; known: frontends, version");
            }
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || version.intValue() != VERSION) {
            throw ConfigException.at(source, "version", "must be " + VERSION + " (got " + version + ")");
        }
        JsonNode frontends = root.get("frontends");
        if (frontends == null) {
            return List.of();
        }
        if (!frontends.isArray()) {
            throw ConfigException.at(source, "frontends", "must be an array");
        }
        List<FrontendSpec> specs = new ArrayList<>();
        for (int i = 0; i < frontends.size(); i++) {
            specs.add(FrontendSpecJson.parse(frontends.get(i), source, "frontends[" + i + "]"));
        }
        checkDistinct(specs, source);
        return List.copyOf(specs);
    }

    /** No two front ends share a name or a fixed listen address. */
    public static void checkDistinct(List<FrontendSpec> specs, String source) {
        Set<String> names = new HashSet<>();
        Map<String, String> addresses = new HashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            FrontendSpec s = specs.get(i);
            if (!names.add(s.name())) {
                throw ConfigException.at(source, "frontends[" + i + "].name", "'" + s.name() + "' is declared twice");
            }
            if (s.listen().getPort() != 0) {
                String key = s.listen().getAddress().getHostAddress() + ":" + s.listen().getPort();
                String other = addresses.putIfAbsent(key, s.name());
                if (other != null) {
                    throw ConfigException.at(source, "frontends[" + i + "].listen", key + " is also the address of " + other);
                }
            }
        }
    }
}
