package dev.caravan.cli.commands.security;

import dev.caravan.wire.security.Role;
import dev.caravan.wire.security.TokenTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code caravan tokens add NAME --role R [--slice S] [--file F]}: adds a token with a role to a
 * tokens file ({@link TokenTable}, version 1) and prints the new token once; the file keeps only
 * its SHA-256. Give the file to {@code caravan node --tokens} and {@code caravan naming --tokens}.
 * {@code caravan tokens ls [--json]} lists name, role and slice (never the hashes).
 */
@Command(name = "tokens", mixinStandardHelpOptions = true, description = "Manage tokens with roles (caravan node --tokens).",
        subcommands = {TokensCommand.Add.class, TokensCommand.Ls.class})
public final class TokensCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "give a subcommand: add or ls");
    }

    /** {@code caravan tokens ls}: name, role and slice of each token; never the hashes. */
    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the tokens of a tokens file: name, role, slice"
            + " (the file keeps only hashes, which are not shown).")
    public static final class Ls implements Callable<Integer> {
        @Option(names = "--file", defaultValue = ".caravan/tokens", description = "the tokens file (default: ${DEFAULT-VALUE})")
        Path file;

        @picocli.CommandLine.Mixin
        dev.caravan.cli.out.JsonOption output;

        @Override
        public Integer call() {
            if (!Files.exists(file)) {
                throw dev.caravan.wire.ErrorCode.NOT_FOUND.exception("no tokens file " + file + ": add one with 'caravan tokens add"
                        + " NAME --role ROLE --file " + file + "'");
            }
            java.util.List<TokenTable.Entry> entries = TokenTable.read(file).entries();
            if (output.json) {
                java.util.List<java.util.Map<String, Object>> rows = new java.util.ArrayList<>();
                for (TokenTable.Entry e : entries) {
                    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("name", e.name());
                    m.put("role", e.role().label());
                    m.put("slice", e.slice().isEmpty() ? null : e.slice()); // null where the table shows '-'
                    rows.add(m);
                }
                dev.caravan.cli.out.Json.print(rows);
                return 0;
            }
            System.out.printf("%-24s %-9s %s%n", "NAME", "ROLE", "SLICE");
            for (TokenTable.Entry e : entries) {
                System.out.printf("%-24s %-9s %s%n", e.name(), e.role().label(), e.slice().isEmpty() ? "-" : e.slice());
            }
            return 0;
        }
    }

    /** {@code caravan tokens add}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a token and print it (once; the file keeps its hash).")
    public static final class Add implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "the identity the token stands for (1-64 of letters, digits, _ . @ -)")
        String name;

        @Option(names = "--role", required = true, description = "viewer, operator, admin or node")
        String role;

        @Option(names = "--slice", defaultValue = "", description = "the tenant slice it is confined to (default: none, the whole cluster)")
        String slice;

        @Option(names = "--file", defaultValue = ".caravan/tokens", description = "the tokens file (default: ${DEFAULT-VALUE})")
        Path file;

        @Override
        public Integer call() throws Exception {
            Role parsed = dev.caravan.cli.options.UsageCheck.check(spec,
                    () -> new dev.caravan.wire.security.Identity(name, Role.parse(role), slice, "token").role());
            TokenTable table = Files.exists(file) ? TokenTable.read(file) : TokenTable.empty();
            TokenTable.Added added = table.add(name, parsed, slice);
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.writeString(file, added.table().format(), StandardCharsets.UTF_8);
            System.out.println(added.token());
            System.err.println("token for " + name + " (" + role + (slice.isEmpty() ? "" : ", slice " + slice) + ") added to "
                    + file + "; it is shown only now: use it as CARAVAN_TOKEN");
            return 0;
        }
    }
}
