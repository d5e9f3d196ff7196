package dev.caravan.switching;

import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.ErrorCode;

import java.util.Objects;

/**
 * Which processes make up a front end's backend set, matched against naming's
 * {@code process/<name>} entries.
 *
 * <p>Text form (config files, the CLI, the admin API): {@code name:<process>},
 * {@code prefix:<name prefix>} or {@code label:<key>=<value>} (a process deployed with
 * {@code --label key=value}, published as the attribute {@code label.<key>}).
 */
public record BackendSelector(Kind kind, String value) {
    /** How {@link #value} is matched. */
    public enum Kind { NAME, PREFIX, LABEL }

    /** The attribute prefix under which a process's labels are published in naming. */
    public static final String LABEL_ATTRIBUTE_PREFIX = "label.";

    public BackendSelector {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || (kind == Kind.LABEL && value.indexOf('=') <= 0)) {
            throw ErrorCode.INVALID_ARGUMENT.exception("backend selector " + kind.name().toLowerCase(java.util.Locale.ROOT)
                    + ":" + value + " is incomplete; use name:<process>, prefix:<prefix> or label:<key>=<value>");
        }
    }

    /**
     * Parses the text form.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT with the accepted forms
     */
    public static BackendSelector parse(String text) {
        int colon = text.indexOf(':');
        String kind = colon < 0 ? "" : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        return switch (kind) {
            case "name" -> new BackendSelector(Kind.NAME, value);
            case "prefix" -> new BackendSelector(Kind.PREFIX, value);
            case "label" -> new BackendSelector(Kind.LABEL, value);
            default -> throw ErrorCode.INVALID_ARGUMENT.exception("backend selector '" + text
                    + "' not understood; use name:<process>, prefix:<prefix> or label:<key>=<value>");
        };
    }

    /** Whether a {@code process/<name>} entry belongs to the set. */
    public boolean matches(NamingEntry entry) {
        if (!entry.name().startsWith("process/")) {
            return false;
        }
        String name = entry.name().substring("process/".length());
        return switch (kind) {
            case NAME -> name.equals(value);
            case PREFIX -> name.startsWith(value);
            case LABEL -> {
                int eq = value.indexOf('=');
                yield value.substring(eq + 1).equals(entry.attribute(LABEL_ATTRIBUTE_PREFIX + value.substring(0, eq)));
            }
        };
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + value;
    }
}
