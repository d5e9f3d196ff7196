package dev.caravan.cli.commands.switching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.switching.config.SwitchConfigFile;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A front end as the admin API's {@code POST /frontends} takes it (the config file's
 * {@code frontends[]} item), built from {@code caravan switch add}'s options or read from a file.
 * Errors are one line ({@link dev.caravan.wire.CaravanException} INVALID_ARGUMENT or NOT_FOUND).
 *
 * <p>Threading: stateless.
 */
final class FrontendArgs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FrontendArgs() {
    }

    /** The one-route front end the options describe; {@code limits} holds only the limits given. */
    static ObjectNode fromOptions(String name, String listen, String protocol, String mode, String backends, String policy,
                                  String affinity, Map<String, Number> limits) {
        requireGiven(name, "NAME");
        requireGiven(listen, "--listen HOST:PORT");
        requireGiven(protocol, "--protocol tcp|http|resp");
        requireGiven(mode, "--mode transport|content|handoff|process");
        requireGiven(backends, "--backends SELECTOR");
        ObjectNode spec = JSON.createObjectNode();
        spec.put("name", name);
        spec.put("listen", listen);
        spec.put("protocol", protocol);
        spec.put("mode", mode);
        spec.put("backends", backends);
        if (policy != null) {
            spec.put("policy", policy);
        }
        if (affinity != null) {
            spec.set("affinity", affinity(affinity));
        }
        if (!limits.isEmpty()) {
            ObjectNode l = spec.putObject("limits");
            limits.forEach((k, v) -> l.put(k, v.longValue()));
        }
        return spec;
    }

    private static void requireGiven(String value, String what) {
        if (value == null) {
            throw ErrorCode.INVALID_ARGUMENT.exception("missing " + what + " (or give the front end with --config FILE)");
        }
    }

    /** {@code client-address}, {@code path}, {@code resp-key}, {@code cookie:NAME} or {@code header:NAME} as the config's affinity object. */
    static ObjectNode affinity(String text) {
        ObjectNode a = JSON.createObjectNode();
        int colon = text.indexOf(':');
        String source = colon < 0 ? text : text.substring(0, colon);
        boolean named = source.equals("cookie") || source.equals("header");
        if (named != (colon > 0 && colon < text.length() - 1)
                || !List.of("client-address", "path", "resp-key", "cookie", "header").contains(source)) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--affinity '" + text + "' not understood; use client-address, cookie:NAME,"
                    + " header:NAME, path or resp-key");
        }
        a.put("source", source);
        if (named) {
            a.put("name", text.substring(colon + 1));
        }
        return a;
    }

    /**
     * The one front end in {@code file}: a front end object, or a whole config file
     * ({@code {"version": 1, "frontends": [...]}}) holding exactly one.
     *
     * @param name         NAME given on the command line (null: none); it must be the file's
     * @param otherOptions the front-end options given besides --config (refused)
     */
    static ObjectNode fromFile(Path file, String name, List<String> otherOptions) {
        if (!otherOptions.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--config gives the whole front end; drop " + String.join(", ", otherOptions));
        }
        JsonNode root;
        try {
            if (Files.size(file) > SwitchConfigFile.MAX_FILE_BYTES) {
                throw ErrorCode.INVALID_ARGUMENT.exception(file + ": larger than " + SwitchConfigFile.MAX_FILE_BYTES + " bytes");
            }
            root = JSON.readTree(file.toFile());
        } catch (NoSuchFileException e) {
            throw ErrorCode.NOT_FOUND.exception(file + ": no such file");
        } catch (IOException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception(file + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode spec = root;
        if (root != null && root.has("frontends")) {
            SwitchConfigFile.parse(root.toString(), file.toString());
            JsonNode all = root.get("frontends");
            if (all.size() != 1) {
                throw ErrorCode.INVALID_ARGUMENT.exception(file + ": holds " + all.size() + " front ends; "
                        + "caravan switch add takes one (the switch serve --config takes several)");
            }
            spec = all.get(0);
        }
        if (!(spec instanceof ObjectNode object)) {
            throw ErrorCode.INVALID_ARGUMENT.exception(file + ": must hold one front end as a JSON object (see docs/switch.md)");
        }
        if (name != null && !name.equals(object.path("name").asText(null))) {
            throw ErrorCode.INVALID_ARGUMENT.exception("NAME " + name + " is not the file's front end ("
                    + object.path("name").asText("no name") + "); give NAME or --config, or the same in both");
        }
        return object;
    }
}
