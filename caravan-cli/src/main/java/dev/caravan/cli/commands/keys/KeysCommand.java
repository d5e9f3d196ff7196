package dev.caravan.cli.commands.keys;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code caravan keys}: code-signing keys and the trust directory nodes read. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Code-signing keys (Ed25519) and the trust directory that nodes read (caravan node --trust-dir).",
                "  caravan keys new release                     .caravan/keys/release.key (0600) and release.pub",
                "  caravan keys trust .caravan/keys/release.pub  nodes with --trust-dir .caravan/trust now load its code",
                "  caravan keys revoke 3f9a1c0e5b7d2a64          refused at the next start, arrival or push; no restart",
                "  caravan keys ls",
                "Sign a bundle with 'caravan sign app.jar --key .caravan/keys/release.key'."},
        subcommands = {KeysNewCommand.class, KeysTrustCommand.class, KeysRevokeCommand.class, KeysListCommand.class})
public final class KeysCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
