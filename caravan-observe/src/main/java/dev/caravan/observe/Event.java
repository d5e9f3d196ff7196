package dev.caravan.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One lifecycle step as a daemon saw it. Events are facts, immutable once published.
 *
 * <p>JSON shape, version 1 (the admin port's {@code /events}, {@code caravan events --json}, the
 * dashboard's stream): <pre>
 * {"seq":12,"timeMs":1764441600123,"source":"n1","kind":"migration-phase","subject":"kv1",
 *  "message":"pre-copy round 2","fields":{"phase":"ROUNDS","round":"2"}}
 * </pre>
 *
 * @param seq     position in its source's ring: strictly increasing per daemon run, from 1
 * @param timeMs  wall-clock time of the step, ms since the epoch (UTC)
 * @param source  the daemon that saw it: a node id, {@code naming}, or {@code switch/<id>}
 * @param kind    what happened
 * @param subject what it happened to: a process name or a node id
 * @param message one line for people
 * @param fields  machine-readable details (strings; numbers in base units: bytes, ms)
 */
public record Event(long seq, long timeMs, String source, EventKind kind, String subject, String message,
                    Map<String, String> fields) {
    public Event {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(message, "message");
        fields = Map.copyOf(fields);
    }

    /** The event as the version-1 JSON object (field order fixed). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("timeMs", timeMs);
        m.put("source", source);
        m.put("kind", kind.label());
        m.put("subject", subject);
        m.put("message", message);
        m.put("fields", new java.util.TreeMap<>(fields));
        return m;
    }

    /**
     * Reads the version-1 JSON object.
     *
     * @throws IllegalArgumentException if a required member is missing or of the wrong type
     */
    public static Event fromJson(Map<?, ?> m) {
        try {
            Map<String, String> fields = new LinkedHashMap<>();
            if (m.get("fields") instanceof Map<?, ?> f) {
                f.forEach((k, v) -> fields.put(String.valueOf(k), String.valueOf(v)));
            }
            return new Event(((Number) m.get("seq")).longValue(), ((Number) m.get("timeMs")).longValue(),
                    (String) Objects.requireNonNull(m.get("source"), "source"),
                    EventKind.ofLabel((String) Objects.requireNonNull(m.get("kind"), "kind")),
                    (String) Objects.requireNonNull(m.get("subject"), "subject"),
                    (String) Objects.requireNonNull(m.get("message"), "message"), fields);
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("not an event (version 1): " + e.getMessage(), e);
        }
    }
}
