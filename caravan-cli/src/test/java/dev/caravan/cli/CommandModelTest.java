package dev.caravan.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Usage, help and suggestions, checked on every command of the picocli model (no cluster needed). */
class CommandModelTest {
    /** Every command in the tree, root first. */
    private static List<CommandLine> all() {
        List<CommandLine> out = new ArrayList<>();
        collect(Main.commandLine(), out);
        return out;
    }

    private static void collect(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        cl.getSubcommands().forEach((name, sub) -> {
            if (name.equals(sub.getCommandName())) {
                collect(sub, out);
            }
        });
    }

    /** The arguments that name {@code cl} below {@code caravan}. */
    private static List<String> path(CommandLine cl) {
        List<String> names = new ArrayList<>(List.of(cl.getCommandSpec().qualifiedName(" ").split(" ")));
        names.removeFirst();
        return names;
    }

    private static String[] args(CommandLine cl, String... more) {
        List<String> a = path(cl);
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void shouldRenderHelpOfEveryCommandWithDescriptionsInWholeSentences() {
        List<String> problems = new ArrayList<>();
        for (CommandLine cl : all()) {
            CommandSpec spec = cl.getCommandSpec();
            StringWriter text = new StringWriter();
            java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
            java.io.PrintStream err = System.err;
            System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                cl.usage(new PrintWriter(text));
            } finally {
                System.setErr(err);
            }
            String usage = text.toString();
            String name = spec.qualifiedName();
            if (!warnings.toString(java.nio.charset.StandardCharsets.UTF_8).isEmpty()) {
                // picocli warns on stderr and prints the text unformatted, e.g. for a lone '%' ('%%' is meant)
                problems.add(name + ": rendering its help printed " + warnings.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
            }
            if (!usage.startsWith("Usage: " + name) && !(spec.name().equals("help") && usage.contains("Usage: " + name))) {
                problems.add(name + ": help does not start with its usage line");
            }
            if (usage.contains("${")) {
                problems.add(name + ": unresolved variable in help");
            }
            String[] description = spec.usageMessage().description();
            if (description.length == 0 || !description[0].strip().endsWith(".")) {
                problems.add(name + ": description is not a sentence ending with a full stop: "
                        + (description.length == 0 ? "(none)" : description[0]));
            }
            for (OptionSpec o : spec.options()) {
                String d = String.join(" ", o.description()).strip();
                if (!o.hidden() && (d.isEmpty() || d.endsWith(":") || d.endsWith(",") || d.endsWith("("))) {
                    problems.add(name + " " + o.longestName() + ": description missing or cut short: '" + d + "'");
                }
                // picocli prints each element of a description on a line of its own (and wraps long ones itself):
                // an element that stops mid-sentence shows as a line broken in the middle ("its code / must read").
                String[] lines = o.description();
                for (int i = 0; i < lines.length - 1; i++) {
                    String line = lines[i].strip();
                    if (!o.hidden() && !(line.endsWith(".") || line.endsWith(";") || line.endsWith(":") || line.isEmpty())) {
                        problems.add(name + " " + o.longestName() + ": help line breaks mid-sentence after '" + line + "'");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldServeHelpAsASubcommandAtEveryLevel() {
        for (CommandLine cl : all()) {
            if (cl.getSubcommands().isEmpty()) {
                continue;
            }
            String sub = cl.getSubcommands().keySet().stream().filter(s -> !s.equals("help")).findFirst().orElseThrow();
            Console.Result r = Console.run(args(cl, "help", sub));
            assertThat(r.exitCode()).as("%s help %s: %s", path(cl), sub, r.err()).isZero();
            assertThat(r.out()).as("help of %s %s", path(cl), sub)
                    .startsWith("Usage: " + cl.getCommandSpec().qualifiedName() + " " + sub);
        }
    }

    @Test
    void shouldRefuseAnUnknownSubcommandInOneLineWithASuggestion() {
        for (CommandLine cl : all()) {
            if (cl.getSubcommands().isEmpty()) {
                continue;
            }
            String known = cl.getSubcommands().keySet().stream().filter(s -> !s.equals("help")).findFirst().orElseThrow();
            String typo = known + "x";
            Console.Result r = Console.run(args(cl, typo));
            String name = cl.getCommandSpec().qualifiedName();
            assertThat(r.exitCode()).as(name).isEqualTo(2);
            assertThat(r.errLines()).as(name).hasSize(1);
            assertThat(r.errLines().getFirst()).as(name).isEqualTo("caravan: unknown command '" + typo + "'; did you mean '"
                    + known + "'" + r.errLines().getFirst().substring(r.errLines().getFirst().indexOf("'" + known + "'")
                    + known.length() + 2));
            assertThat(r.errLines().getFirst()).as(name).endsWith("(see '" + name + " --help')").doesNotContain("caravan caravan");
        }
    }

    @Test
    void shouldRefuseAnUnknownOptionOfEveryCommandInOneLineWithASuggestion() {
        for (CommandLine cl : all()) {
            CommandSpec spec = cl.getCommandSpec();
            if (!spec.unmatchedArgsBindings().isEmpty() || spec.name().equals("help")) {
                continue; // the daemons parse their own options (DaemonOptions); help takes any word as a command name
            }
            Console.Result r = Console.run(args(cl, "--hepl"));
            assertThat(r.exitCode()).as(spec.qualifiedName()).isEqualTo(2);
            assertThat(r.errLines()).as(spec.qualifiedName()).hasSize(1);
            assertThat(r.errLines().getFirst()).as(spec.qualifiedName())
                    .startsWith("caravan: unknown option '--hepl'; did you mean ").contains("'--help'");
        }
    }

    @Test
    void shouldRefuseAPortOutsideZeroTo65535BeforeAnythingStarts() {
        int checked = 0;
        for (CommandLine cl : all()) {
            for (OptionSpec o : cl.getCommandSpec().options()) {
                boolean hostPort = o.paramLabel().contains("HOST:PORT");
                boolean port = o.longestName().endsWith("port") && o.type() == int.class;
                if (!hostPort && !port) {
                    continue;
                }
                checked++;
                Console.Result r = Console.run(args(cl, o.longestName(), hostPort ? "127.0.0.1:99999" : "99999"));
                String what = cl.getCommandSpec().qualifiedName() + " " + o.longestName();
                assertThat(r.exitCode()).as(what).isEqualTo(2);
                assertThat(r.errLines()).as(what).hasSize(1);
                assertThat(r.errLines().getFirst()).as(what).contains(o.longestName()).contains("99999").contains("0..65535");
            }
        }
        assertThat(checked).as("port options found").isGreaterThan(5);
    }

    @Test
    void shouldRefuseABadNodeCountBeforeStartingAnything() {
        Console.Result r = Console.run("up", "--nodes", "-1");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).containsExactly("caravan: --nodes must be 0..64, got -1 (see 'caravan up --help')");
    }

    @Test
    void shouldRefuseUpOnAPortInUseInOneLine() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Console.Result r = Console.run("up", "--port", String.valueOf(taken.getLocalPort()), "--nodes", "1");

            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.errLines()).containsExactly("caravan: naming cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": address already in use; stop what uses it (another 'caravan up'?) or choose another --port [UNAVAILABLE]");
        }
    }

    @Test
    void shouldSayWhatAMapOptionNeedsWithoutRepeatingWords() {
        Console.Result r = Console.run("deploy", "--name", "x", "--set", "novalue");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("caravan: option '--set' needs KEY=VALUE, got 'novalue' (see 'caravan deploy --help')");
    }

    @Test
    void shouldListTheExitCodesInTheTopLevelHelp() {
        Console.Result r = Console.run("--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Exit codes:").containsPattern("(?m)^ +0 +done")
                .containsPattern("(?m)^ +1 +a Caravan error").containsPattern("(?m)^ +2 +bad usage")
                .containsPattern("(?m)^ +130 +interrupted");
    }

    @Test
    void shouldPrintABashCompletionScriptThatBashAccepts() throws Exception {
        for (String shell : List.of("bash", "zsh")) {
            Console.Result r = Console.run("completion", shell);
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("complete -F").contains("migrate").contains("--json");
            Path script = Files.createTempFile("caravan-completion", ".sh");
            try {
                Files.writeString(script, r.out());
                Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
                assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(bash.exitValue()).as(new String(bash.getInputStream().readAllBytes())).isZero();
            } finally {
                Files.delete(script);
            }
        }
        Console.Result fish = Console.run("completion", "fish");
        assertThat(fish.exitCode()).isEqualTo(2);
        assertThat(fish.errLines()).hasSize(1);
    }
}
