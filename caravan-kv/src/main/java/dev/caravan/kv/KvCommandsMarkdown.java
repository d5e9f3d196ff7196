package dev.caravan.kv;

import dev.caravan.wire.command.Reply;

import java.util.List;
import java.util.Locale;

/**
 * The kv process's command list as Markdown, generated from its command table ({@link CommandTable#SPECS}: what
 * {@link KvProcess} serves, described by redis-server 7.0.15's {@code COMMAND INFO} and {@code COMMAND DOCS}).
 * {@code docs/kv-commands.md} is this output; {@code KvCommandsMarkdownTest} fails when they differ. Regenerate with
 * {@value #REGENERATE}. Stateless; any thread.
 */
public final class KvCommandsMarkdown {
    /** The command that rewrites docs/kv-commands.md, from the repository root. */
    public static final String REGENERATE = "./caravan kv commands --markdown > docs/kv-commands.md";

    private KvCommandsMarkdown() {
    }

    /** Prints {@link #render()} (the CLI's {@code caravan kv commands --markdown}). */
    public static void main(String[] args) {
        System.out.print(render());
    }

    /** The names served, subcommands as {@code CONFIG GET}, in the table's order. */
    public static List<String> names() {
        return CommandTable.SPECS.values().stream()
                .flatMap(s -> s.isContainer()
                        ? java.util.stream.Stream.concat(java.util.stream.Stream.of(s), s.subcommands().values().stream())
                        : java.util.stream.Stream.of(s))
                .map(s -> s.name().replace('|', ' '))
                .toList();
    }

    /** The whole document, ending in a newline. */
    public static String render() {
        StringBuilder b = new StringBuilder();
        b.append("# Commands of the Redis-compatible process\n\n")
                .append("<!-- Generated from caravan-kv's command table; do not edit. Regenerate: ")
                .append(REGENERATE).append(" -->\n\n")
                .append("The commands `caravan deploy --sample kv` serves: ").append(count()).append(" names, subcommands")
                .append(" included, each as redis-server 7.0.15 describes it (`COMMAND DOCS`, `COMMAND INFO`). Anything")
                .append(" else is answered `ERR unknown command`, as redis-server does. *Arguments* counts what follows")
                .append(" the name (a subcommand's include the subcommand). *Read-only* commands may be retried by a client")
                .append(" after a failure without asking; their replies are the same as redis-server's (`docs/kv.md`).\n\n")
                .append("| command | group | arguments | read-only | summary |\n")
                .append("|---|---|---|---|---|\n");
        for (CommandTable.Spec s : CommandTable.SPECS.values()) {
            row(b, s);
            for (CommandTable.Spec sub : s.subcommands().values()) {
                row(b, sub);
            }
        }
        return b.toString();
    }

    private static int count() {
        return names().size();
    }

    private static void row(StringBuilder b, CommandTable.Spec s) {
        b.append("| `").append(s.name().replace('|', ' ')).append("` | ").append(doc(s, "group").replace('_', ' '))
                .append(" | ").append(arguments(s)).append(" | ").append(s.readOnly() ? "yes" : "no").append(" | ")
                .append(doc(s, "summary").replace("|", "\\|")).append(" |\n");
    }

    /** Redis arity (the name included; negative: at least) as a count of arguments after the name. */
    private static String arguments(CommandTable.Spec s) {
        int after = Math.abs(s.arity()) - 1;
        return s.arity() >= 0 ? String.valueOf(after) : "≥ " + after;
    }

    private static String doc(CommandTable.Spec s, String field) {
        if (!(s.docs() instanceof Reply.Map m)) {
            return "";
        }
        List<Reply> kv = m.keysAndValues();
        for (int i = 0; i + 1 < kv.size(); i += 2) {
            if (kv.get(i) instanceof Reply.Bulk k && k.text().toLowerCase(Locale.ROOT).equals(field)
                    && kv.get(i + 1) instanceof Reply.Bulk v) {
                return v.text();
            }
        }
        return "";
    }
}
