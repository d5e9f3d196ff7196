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

    /**
     * One command as the document's table shows it: {@code command} (subcommands as {@code CONFIG GET}),
     * {@code group} (words separated by spaces), {@code arguments} (after the name; {@code ≥ n}: at least n),
     * {@code readOnly}, {@code summary} (redis-server 7.0.15's {@code COMMAND DOCS}).
     */
    public record Row(String command, String group, String arguments, boolean readOnly, String summary) {
    }

    /** Every command's row, subcommands after their container, in the table's order. */
    public static List<Row> rows() {
        List<Row> out = new java.util.ArrayList<>();
        for (CommandTable.Spec s : CommandTable.SPECS.values()) {
            out.add(row(s));
            s.subcommands().values().forEach(sub -> out.add(row(sub)));
        }
        return out;
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
        for (Row r : rows()) {
            b.append("| `").append(r.command()).append("` | ").append(r.group()).append(" | ").append(r.arguments())
                    .append(" | ").append(r.readOnly() ? "yes" : "no").append(" | ").append(r.summary().replace("|", "\\|"))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static int count() {
        return names().size();
    }

    private static Row row(CommandTable.Spec s) {
        return new Row(s.name().replace('|', ' '), doc(s, "group").replace('_', ' '), arguments(s), s.readOnly(), doc(s, "summary"));
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
