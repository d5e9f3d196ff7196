package dev.caravan.observe;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One log record of a daemon, as kept by {@link LogLines}.
 *
 * <p>JSON shape, version 1 ({@code /logs}, {@code caravan logs --json}):
 * {@code {"seq":3,"timeMs":1764441600123,"level":"INFO","process":"kv1","logger":"process.kv1","text":"…"}}
 *
 * @param seq     position in the daemon's log ring, from 1
 * @param timeMs  when it was logged, ms since the epoch (UTC)
 * @param level   ERROR, WARN, INFO or DEBUG
 * @param process the process that logged it through {@code ProcessContext.log()}, or "" for the daemon itself
 * @param logger  the logger's name
 * @param text    the formatted message; a thrown exception is summarised on the same line
 */
public record LogLine(long seq, long timeMs, String level, String process, String logger, String text) {
    /** Loggers of processes are named {@code process.<name>} (see ProcessRunner). */
    public static final String PROCESS_LOGGER_PREFIX = "process.";

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("timeMs", timeMs);
        m.put("level", level);
        m.put("process", process);
        m.put("logger", logger);
        m.put("text", text);
        return m;
    }
}
