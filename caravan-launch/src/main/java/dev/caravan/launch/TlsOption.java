package dev.caravan.launch;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.security.TransportSecurity;

import java.nio.file.Path;

/**
 * The {@code --tls DIR} option of the daemons ({@code caravan naming}, {@code caravan node},
 * {@code caravan switch serve}): mutual TLS with the identity directory DIR (as
 * {@code caravan certs issue NAME --role node} writes it) on every binary port the daemon serves
 * and every control link it dials. Without it the daemon is plaintext; a daemon never reads
 * {@code $CARAVAN_TLS} (that names a user's identity, for the CLI).
 */
public final class TlsOption {
    public static final String NAME = "--tls";
    public static final String LABEL = "DIR";
    public static final String HELP = "mutual TLS with the identity in DIR (ca.crt, identity.crt, identity.key, from "
            + "'caravan certs issue NAME --role node'); default: plaintext";

    private TlsOption() {
    }

    /**
     * The transport {@code --tls} asks for, its files read and checked now (before any thread starts).
     *
     * @throws DaemonOptions.UsageException one line naming the missing or unreadable file
     */
    public static TransportSecurity parse(DaemonOptions.Parsed options) {
        String dir = options.value(NAME);
        if (dir == null || dir.isBlank()) {
            return TransportSecurity.plaintext();
        }
        try {
            return TransportSecurity.mutualTls(Path.of(dir));
        } catch (CaravanException e) {
            throw new DaemonOptions.UsageException(NAME + ": " + e.getMessage());
        }
    }
}
