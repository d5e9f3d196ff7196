package dev.caravan.switching.shared;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.caravan.naming.NamingEntry;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.config.FrontendSpecJson;
import dev.caravan.switching.config.SwitchConfig;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link SharedFrontend} as a naming entry:
 * <pre>
 * name        switchconfig/frontend/NAME
 * node, host  "" (the entry is no endpoint); port: the front end's listen port (0 for a removal)
 * epoch       the version
 * attributes  state=live|removed, by=SWITCH, holder=SWITCH (whose lease holds it now), ownHost=true|false,
 *             spec.0 … spec.N-1: the spec's JSON ({@link FrontendSpecJson}, ASCII only), cut into
 *             pieces of at most {@value #PIECE_CHARS} characters (an attribute value holds 4096 bytes)
 * </pre>
 * Decoding checks the spec exactly as a config file's front end is checked (every field, no
 * automatic name) and that it is called NAME; a violation is INVALID_ARGUMENT naming the entry.
 *
 * <p>Threading: stateless; thread-safe.
 */
public final class SharedFrontendCodec {
    /** Where the shared front ends live in naming. */
    public static final String PREFIX = "switchconfig/frontend/";
    static final int PIECE_CHARS = 4000;
    /** Attributes are at most 64; four are taken by state, by, holder and ownHost. */
    static final int MAX_PIECES = NamingEntry.MAX_ATTRIBUTES - 4;
    /** The largest spec JSON that fits in an entry. */
    public static final int MAX_SPEC_CHARS = PIECE_CHARS * MAX_PIECES;
    private static final ObjectMapper JSON = JsonMapper.builder().enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private SharedFrontendCodec() {
    }

    /**
     * The entry for {@code f}, as {@code holder} registers it.
     *
     * @throws CaravanException INVALID_ARGUMENT when the spec's JSON is longer than {@value #MAX_SPEC_CHARS} characters
     */
    public static NamingEntry encode(SharedFrontend f, String holder) {
        Map<String, String> a = new TreeMap<>();
        a.put("state", f.removed() ? "removed" : "live");
        a.put("by", f.by());
        a.put("holder", holder);
        a.put("ownHost", Boolean.toString(f.ownHost()));
        int port = 0;
        if (!f.removed()) {
            String json;
            try {
                json = JSON.writeValueAsString(FrontendSpecJson.toJson(f.spec()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a front end spec did not serialize", e);
            }
            if (json.length() > MAX_SPEC_CHARS) {
                throw ErrorCode.INVALID_ARGUMENT.exception("front end " + f.name() + " is " + json.length()
                        + " characters of JSON; a shared front end holds at most " + MAX_SPEC_CHARS);
            }
            for (int i = 0, piece = 0; i < json.length(); i += PIECE_CHARS, piece++) {
                a.put("spec." + piece, json.substring(i, Math.min(json.length(), i + PIECE_CHARS)));
            }
            port = f.spec().listen().getPort();
        }
        return new NamingEntry(PREFIX + f.name(), "", "", port, f.epoch(), a);
    }

    /**
     * The shared front end an entry holds.
     *
     * @throws CaravanException INVALID_ARGUMENT naming the entry and the problem
     */
    public static SharedFrontend decode(NamingEntry e) {
        String source = "naming " + e.name();
        if (!e.name().startsWith(PREFIX)) {
            throw ErrorCode.INVALID_ARGUMENT.exception(source + ": not under " + PREFIX);
        }
        String name = e.name().substring(PREFIX.length());
        String by = e.attribute("by") == null ? "" : e.attribute("by");
        String state = e.attribute("state");
        if ("removed".equals(state)) {
            return SharedFrontend.removal(name, e.epoch(), by);
        }
        if (!"live".equals(state)) {
            throw ErrorCode.INVALID_ARGUMENT.exception(source + ": state must be live or removed, got " + state);
        }
        StringBuilder json = new StringBuilder();
        for (int piece = 0; e.attribute("spec." + piece) != null; piece++) {
            json.append(e.attribute("spec." + piece));
        }
        JsonNode node;
        try {
            node = JSON.readTree(json.toString());
        } catch (JsonProcessingException ex) {
            throw ErrorCode.INVALID_ARGUMENT.exception(source + ": spec is not valid JSON: " + ex.getOriginalMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw ErrorCode.INVALID_ARGUMENT.exception(source + ": no spec");
        }
        FrontendSpec spec = FrontendSpecJson.parse(node, source, "");
        if (!spec.name().equals(name)) {
            throw ErrorCode.INVALID_ARGUMENT.exception(source + ": name: the spec is called " + spec.name());
        }
        if (SwitchConfig.isAutomatic(name)) {
            throw ErrorCode.INVALID_ARGUMENT.exception(source + ": name: " + SwitchConfig.AUTOMATIC_NAMES);
        }
        return new SharedFrontend(name, e.epoch(), spec, Boolean.parseBoolean(e.attribute("ownHost")), by);
    }

    /** The front end name of an entry name under {@link #PREFIX}. */
    public static String decodeName(String entryName) {
        return entryName.startsWith(PREFIX) ? entryName.substring(PREFIX.length()) : entryName;
    }
}
