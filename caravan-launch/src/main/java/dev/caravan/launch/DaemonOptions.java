package dev.caravan.launch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line of a daemon entry point, declared once: {@code --name VALUE} or
 * {@code --name=VALUE}, flags, repeatable options, and {@code --help}; the usage text comes from
 * the same declarations. Small on purpose: the daemons start in child JVMs without the CLI, and
 * {@code caravan naming} and {@code caravan node} hand their arguments here unparsed, so every
 * option is parsed in one place. Immutable once declared; thread-safe.
 */
public final class DaemonOptions {
    /** A command line that does not fit the declarations; the CLI exits with 2 for it. */
    public static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private record Option(String name, String label, String defaultValue, boolean repeatable, String description) {
        boolean isFlag() {
            return label == null;
        }
    }

    private final String command;
    private final String summary;
    private final Map<String, Option> options = new LinkedHashMap<>();

    /** @param command the command's name in usage text ({@code caravan node}) */
    public DaemonOptions(String command, String summary) {
        this.command = command;
        this.summary = summary;
    }

    /** An option that takes a value; {@code defaultValue} may be null (no default). */
    public DaemonOptions value(String name, String label, String defaultValue, String description) {
        return declare(new Option(name, label, defaultValue, false, description));
    }

    /** An option that may be given several times, each with a value. */
    public DaemonOptions repeatable(String name, String label, String description) {
        return declare(new Option(name, label, null, true, description));
    }

    /** An option without a value. */
    public DaemonOptions flag(String name, String description) {
        return declare(new Option(name, null, null, false, description));
    }

    private DaemonOptions declare(Option o) {
        if (options.putIfAbsent(o.name(), o) != null) {
            throw new IllegalStateException("option " + o.name() + " declared twice");
        }
        return this;
    }

    /**
     * Parses {@code args}.
     *
     * @throws UsageException naming the first argument that does not fit
     */
    public Parsed parse(List<String> args) {
        Map<String, List<String>> given = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 && arg.startsWith("--") ? arg.substring(0, eq) : arg;
            Option o = options.get(name);
            if (o == null) {
                throw new UsageException((arg.startsWith("-") ? "unknown option " : "unexpected argument ") + "'" + arg + "'");
            }
            String value;
            if (o.isFlag()) {
                if (eq > 0) {
                    throw new UsageException(name + " takes no value");
                }
                value = "true";
            } else if (eq > 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new UsageException("missing " + o.label() + " after " + name);
            }
            List<String> values = given.computeIfAbsent(name, k -> new ArrayList<>());
            if (!o.repeatable() && !values.isEmpty()) {
                throw new UsageException(name + " given more than once");
            }
            values.add(value);
        }
        return new Parsed(given, help);
    }

    /** The usage text: synopsis, summary and one line per option. */
    public String usage() {
        StringBuilder b = new StringBuilder("Usage: " + command + " [OPTIONS]\n" + summary + "\n\n");
        for (Option o : options.values()) {
            String left = o.isFlag() ? o.name() : o.name() + "=" + o.label();
            String dflt = o.defaultValue() == null ? "" : " (default: " + o.defaultValue() + ")";
            b.append(String.format(Locale.ROOT, "  %-28s %s%s%n", left, o.description(), dflt));
        }
        return b.append(String.format(Locale.ROOT, "  %-28s %s%n", "-h, --help", "show this help and exit")).toString();
    }

    /** The options one command line gave. */
    public final class Parsed {
        private final Map<String, List<String>> given;
        private final boolean help;

        private Parsed(Map<String, List<String>> given, boolean help) {
            this.given = given;
            this.help = help;
        }

        public boolean helpRequested() {
            return help;
        }

        /** The value given, else the default, else null. */
        public String value(String name) {
            List<String> v = given.get(declared(name).name());
            return v == null ? declared(name).defaultValue() : v.getFirst();
        }

        /** The value given or defaulted. @throws UsageException if there is none */
        public String required(String name) {
            String v = value(name);
            if (v == null) {
                throw new UsageException("missing required option " + name + "=" + declared(name).label());
            }
            return v;
        }

        public List<String> values(String name) {
            return List.copyOf(given.getOrDefault(declared(name).name(), List.of()));
        }

        public boolean flag(String name) {
            return given.containsKey(declared(name).name());
        }

        public long longValue(String name) {
            String v = required(name);
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new UsageException(name + ": '" + v + "' is not a whole number");
            }
        }

        public int intValue(String name) {
            long v = longValue(name);
            if (v != (int) v) {
                throw new UsageException(name + ": " + v + " is out of range");
            }
            return (int) v;
        }

        private Option declared(String name) {
            Option o = options.get(name);
            if (o == null) {
                throw new IllegalArgumentException("option " + name + " was never declared");
            }
            return o;
        }
    }
}
