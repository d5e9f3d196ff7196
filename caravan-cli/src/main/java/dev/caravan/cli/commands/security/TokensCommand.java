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
 */
@Command(name = "tokens", mixinStandardHelpOptions = true, description = "Manage tokens with roles (caravan node --tokens).",
        subcommands = TokensCommand.Add.class)
public final class TokensCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "give a subcommand: add");
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
