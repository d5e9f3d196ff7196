package dev.caravan.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The last log records of this JVM, kept in a ring so that {@code caravan logs} can show a
 * daemon's log, or only one process's own {@code log()} lines, without reading its files.
 * Attached to the root {@code java.util.logging} logger (where {@code System.Logger} records go)
 * by {@link #install}; records below INFO are not kept.
 *
 * <p>Thread-safe.
 */
public final class LogLines {
    /** Lines kept unless told otherwise. */
    public static final int DEFAULT_CAPACITY = 4096;
    private static final int MAX_TEXT_CHARS = 4096;

    private final int capacity;
    private final ArrayDeque<LogLine> ring;
    private final Object changed = new Object();
    private long lastSeq;

    public LogLines(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.ring = new ArrayDeque<>(Math.min(capacity, 4096));
    }

    private static LogLines shared;

    /**
     * This JVM's ring ({@link #DEFAULT_CAPACITY} lines), attached to the root logger at the first
     * call, for the life of the JVM. A daemon has its JVM to itself; where tests run several
     * daemons in one JVM, they share it.
     */
    public static synchronized LogLines shared() {
        if (shared == null) {
            shared = new LogLines(DEFAULT_CAPACITY);
            Logger.getLogger("").addHandler(shared.handler());
        }
        return shared;
    }

    /** Keeps one line; called by the handler, or directly by tests. */
    public LogLine add(long timeMs, String level, String logger, String text) {
        String process = logger.startsWith(LogLine.PROCESS_LOGGER_PREFIX) ? logger.substring(LogLine.PROCESS_LOGGER_PREFIX.length()) : "";
        String t = text.length() > MAX_TEXT_CHARS ? text.substring(0, MAX_TEXT_CHARS) + "…" : text;
        LogLine line;
        synchronized (changed) {
            line = new LogLine(++lastSeq, timeMs, level, process, logger, t);
            if (ring.size() == capacity) {
                ring.removeFirst();
            }
            ring.addLast(line);
            changed.notifyAll();
        }
        return line;
    }

    /**
     * Kept lines after {@code afterSeq}, oldest first, only those of {@code process} when it is
     * not null ("" selects the daemon's own lines).
     */
    public List<LogLine> since(long afterSeq, String process) {
        synchronized (changed) {
            List<LogLine> out = new ArrayList<>();
            for (LogLine l : ring) {
                if (l.seq() > afterSeq && (process == null || l.process().equals(process))) {
                    out.add(l);
                }
            }
            return out;
        }
    }

    /** Waits at most {@code timeoutMs} for a line after {@code afterSeq}; returns the last sequence number. */
    public long awaitAfter(long afterSeq, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        synchronized (changed) {
            while (lastSeq <= afterSeq) {
                long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
                if (leftMs <= 0) {
                    break;
                }
                changed.wait(leftMs);
            }
            return lastSeq;
        }
    }

    public long lastSeq() {
        synchronized (changed) {
            return lastSeq;
        }
    }

    /** The handler that feeds this ring. */
    public Handler handler() {
        SimpleFormatter format = new SimpleFormatter();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (!isLoggable(r)) {
                    return;
                }
                String level = r.getLevel() == Level.SEVERE ? "ERROR" : r.getLevel() == Level.WARNING ? "WARN"
                        : r.getLevel().intValue() < Level.INFO.intValue() ? "DEBUG" : "INFO";
                String text = format.formatMessage(r);
                if (r.getThrown() != null) {
                    text = text + " (" + r.getThrown() + ")";
                }
                add(r.getMillis(), level, r.getLoggerName() == null ? "" : r.getLoggerName(), text);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        h.setLevel(Level.INFO);
        return h;
    }
}
