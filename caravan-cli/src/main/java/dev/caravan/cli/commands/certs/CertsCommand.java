package dev.caravan.cli.commands.certs;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code caravan certs}: the cluster's CA and the identity certificates mutual TLS uses. */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = {"The cluster's certificate authority and identities for mutual TLS (init, issue, ls).",
                "  caravan certs init --cluster prod",
                "  caravan certs issue n1 --role node --dns n1.example --ip 10.0.0.7",
                "  caravan certs issue alice --role operator --slice team-a",
                "  caravan certs ls",
                "  export CARAVAN_TLS=.caravan/pki/alice"},
        subcommands = {CertsInitCommand.class, CertsIssueCommand.class, CertsLsCommand.class})
public final class CertsCommand implements Runnable {
    /** Where the CA and the identity directories live unless {@code --dir} says otherwise. */
    static final String DEFAULT_DIR = ".caravan/pki";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** A certificate failure as the CLI reports it: one line, exit 1. */
    static dev.caravan.wire.CaravanException failure(dev.caravan.pki.PkiException e) {
        return dev.caravan.wire.ErrorCode.INVALID_ARGUMENT.exception(e.getMessage());
    }
}
