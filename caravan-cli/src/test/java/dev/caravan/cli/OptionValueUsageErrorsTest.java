package dev.caravan.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bad or missing option value of the issue-13 commands is a usage mistake: exit 2 and one line
 * {@code caravan: … (see 'caravan X --help')}, refused before any cluster is asked (none runs here).
 */
class OptionValueUsageErrorsTest {
    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("migrate kv1 --to n2 --mode warp", "migrate", "'warp' is not a mode; give stop-and-copy, pre-copy"),
                Arguments.of("migrate kv1 --to n2 --upgrade-to abcd", "migrate",
                        "'abcd' is neither a bundle hash (64 hex digits) nor a jar file here"),
                Arguments.of("eval kv1 f.jar --class A --memory-budget lots", "eval", "'lots' is not a size"),
                Arguments.of("eval kv1 f.jar --class A --memory-budget 1k", "eval", "--memory-budget must be 64.0 KiB..4.0 GiB, got 1.0 KiB"),
                Arguments.of("eval kv1 f.jar --class A --time-budget 0ms", "eval", "--time-budget must be 1 ms..600 s, got 0 ms"),
                Arguments.of("eval kv1 f.jar --class A --time-budget 700s", "eval", "--time-budget must be 1 ms..600 s, got 700000 ms"),
                Arguments.of("use kv1 --expect-hash 0000", "use", "'0000' is not a SHA-256; give the 64 hex digits"),
                Arguments.of("restore ck.bin --node n1 --bundle deadbeef", "restore",
                        "'deadbeef' is neither a bundle hash (64 hex digits) nor a jar file here"),
                Arguments.of("lab code --size 3q", "lab code", "'3q' is not a size"),
                Arguments.of("lab balance --nodes 1", "lab balance", "--nodes must be 3 or 4, got 1"),
                Arguments.of("lab balance --modes sideways", "lab balance", "--modes takes push, pull and/or both, got sideways"),
                Arguments.of("agent launch a.jar --class A --itinerary n1 --memory lots", "agent launch", "'lots' is not a size"),
                Arguments.of("agent recall 1234 --timeout soon", "agent recall", "'soon' is not a duration"),
                // issue 14: refused before the CA, trust directory, tokens file or slices directory is read or written
                Arguments.of("certs issue bad --role superuser", "certs issue", "unknown role 'superuser': use viewer, operator, admin or node"),
                Arguments.of("certs issue y --role viewer --days 0", "certs issue", "--days must be 1.."),
                Arguments.of("certs issue y --role viewer --slice Team_A", "certs issue", "slice 'Team_A' must be 1-32 lower-case"),
                Arguments.of("slice create Bad_Name", "slice create", "slice 'Bad_Name' must be 1-32 lower-case letters"),
                Arguments.of("slice quota acme", "slice quota", "give the quotas to change: --memory, --processes and/or --connections"),
                Arguments.of("keys revoke 1234", "keys revoke", "'1234' is not a key id"),
                Arguments.of("tokens add zed --role god", "tokens add", "unknown role 'god'"),
                Arguments.of("tokens add a@b/c --role viewer", "tokens add", "identity name 'a@b/c' must be 1-64"));
    }

    @org.junit.jupiter.api.Test
    void shouldRefuseANameWithASpaceAsAUsageErrorInOneLine() {
        Console.Result r = Console.run("certs", "issue", "a b", "--role", "viewer");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("caravan: identity name 'a b' must be 1-64 letters, digits, '_', '.', '@' or '-'"
                + " (see 'caravan certs issue --help')");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void shouldRefuseABadOptionValueAsAUsageErrorInOneLine(String commandLine, String command, String says) {
        Console.Result r = Console.run(commandLine.split(" "));

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().getFirst()).startsWith("caravan: ").contains(says)
                .endsWith(" (see 'caravan " + command + " --help')").doesNotContain("[INVALID_ARGUMENT]");
        assertThat(r.out()).isEmpty();
    }

    /** One duration converter for every command: minutes as node --drain-grace takes them. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("minutes")
    void shouldTakeMinutesWhereverADurationIsTaken(String commandLine) {
        Console.Result r = Console.run(commandLine.split(" "));

        // Past option parsing: refused for the missing jar (a runtime error), not for the duration.
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("no such file");
    }

    static Stream<String> minutes() {
        return Stream.of("eval kv1 missing.jar --class A --time-budget 2m",
                "agent launch missing.jar --class A --itinerary n1 --timeout 2m");
    }
}
