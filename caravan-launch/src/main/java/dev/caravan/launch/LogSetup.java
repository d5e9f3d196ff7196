package dev.caravan.launch;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line log records on stderr: {@code 12:00:00.123 LEVEL logger: message}. Unexpected errors
 * are logged at SEVERE and printed as {@code ERROR}, which the cluster harness scans for.
 * {@code CARAVAN_LOG=debug|info|warning} sets the level (default info).
 */
public final class LogSetup {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static volatile boolean configured;

    private LogSetup() {
    }

    public static synchronized void configure() {
        if (configured) {
            return;
        }
        configured = true;
        // Before the first use of java.util.logging: records logged from shutdown hooks must not be dropped.
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", DaemonLogManager.class.getName());
        }
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler h = new ConsoleHandler();
        Level level = switch (String.valueOf(System.getenv("CARAVAN_LOG")).toLowerCase(java.util.Locale.ROOT)) {
            case "debug" -> Level.FINE;
            case "warning" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> Level.INFO;
        };
        h.setLevel(level);
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                String lvl = r.getLevel() == Level.SEVERE ? "ERROR" : r.getLevel() == Level.WARNING ? "WARN"
                        : r.getLevel().intValue() < Level.INFO.intValue() ? "DEBUG" : "INFO";
                String logger = r.getLoggerName() == null ? "" : r.getLoggerName().substring(r.getLoggerName().lastIndexOf('.') + 1);
                StringBuilder b = new StringBuilder().append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ')
                        .append(lvl).append(' ').append(logger).append(": ").append(formatMessage(r)).append('\n');
                if (r.getThrown() != null) {
                    java.io.StringWriter sw = new java.io.StringWriter();
                    r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
                    b.append(sw);
                }
                return b.toString();
            }
        });
        root.addHandler(h);
        root.setLevel(level);
    }
}
