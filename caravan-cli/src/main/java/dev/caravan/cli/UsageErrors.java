package dev.caravan.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints a usage mistake as one line, {@code caravan: <what is wrong>[; did you mean ...?] (see
 * 'caravan CMD --help')}, and returns exit code 2. Unknown commands and options get picocli's
 * nearest matches as a suggestion; picocli's own phrasing is straightened where it reads badly.
 *
 * <p>Threading: stateless.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    /** picocli's map-option message: "Value for option option '--set' (KEY=VALUE) should be in KEY=VALUE format but was novalue". */
    private static final Pattern MAP_VALUE = Pattern.compile(
            "Value for option (?:option )?'([^']+)' \\(([^)]*)\\) should be in KEY=VALUE format but was (.*)");
    private static final Pattern UNMATCHED = Pattern.compile("Unmatched arguments? from index \\d+: (.*)|Unmatched argument at index \\d+: (.*)");

    static final int EXIT_USAGE = 2;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("caravan: " + message(ex) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return EXIT_USAGE;
    }

    /** The one-line text of a usage mistake, with a suggestion when picocli has one. */
    static String message(ParameterException ex) {
        List<String> unknownOptions = ex instanceof UnmatchedArgumentException ? List.of()
                : ex.getCommandLine().getUnmatchedArguments().stream().filter(a -> a.startsWith("-")).toList();
        if (!unknownOptions.isEmpty()) {
            // A mistyped option is the cause of whatever else is missing: say that first.
            return message(new UnmatchedArgumentException(ex.getCommandLine(), unknownOptions));
        }
        if (ex instanceof UnmatchedArgumentException u) {
            List<String> unmatched = u.getUnmatched();
            String first = unmatched.isEmpty() ? "" : unmatched.getFirst();
            boolean option = u.isUnknownOption() || first.startsWith("-");
            boolean hasSubcommands = !u.getCommandLine().getSubcommands().isEmpty();
            String what = option ? "unknown option '" + first + "'"
                    : hasSubcommands ? "unknown command '" + first + "'"
                    : "unexpected argument" + (unmatched.size() > 1 ? "s " + String.join(" ", unmatched.stream().map(a -> "'" + a + "'").toList())
                    : " '" + first + "'");
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                what += "; did you mean " + String.join(" or ", suggestions.stream().limit(3).map(s -> "'" + s + "'").toList()) + "?";
            }
            return what;
        }
        String m = String.valueOf(ex.getMessage());
        Matcher map = MAP_VALUE.matcher(m);
        if (map.matches()) {
            return "option '" + map.group(1) + "' needs " + map.group(2) + ", got '" + map.group(3) + "'";
        }
        Matcher un = UNMATCHED.matcher(m);
        if (un.matches()) {
            return "unexpected argument " + (un.group(1) != null ? un.group(1) : un.group(2));
        }
        return String.join("; ", m.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    }
}
