package dev.caravan.node;

import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.node.SecuritySettings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The slice of every process this node has hosted lately, by name, so that each event about a
 * process carries its slice ({@code slice} field, see {@link dev.caravan.observe.EventLog#tagSubjects})
 * even after the process stopped or moved away: a tenant reading events is shown its slice's only.
 * Remembered when a process is deployed or admitted (arrival, clone, restore); a redeploy under the
 * same name replaces it. Keeps the last {@link #CAPACITY} names (least recently hosted forgotten first).
 *
 * <p>Thread-safe.
 */
final class ProcessSlices {
    /** Names remembered at most. */
    static final int CAPACITY = 8192;

    private final Map<String, String> byName = new LinkedHashMap<>(64, 0.75f, false) {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Remembers the slice of {@code spec}'s process (none: forgets any earlier one under its name). */
    synchronized void remember(ProcessSpec spec) {
        String slice = spec.config().getOrDefault(SecuritySettings.SLICE, "");
        byName.remove(spec.name());
        if (!slice.isEmpty()) {
            byName.put(spec.name(), slice);
        }
    }

    /** The fields events about {@code subject} carry: {@code slice} when it is a process of a slice. */
    synchronized Map<String, String> fieldsOf(String subject) {
        String slice = byName.get(subject);
        return slice == null ? Map.of() : Map.of("slice", slice);
    }
}
