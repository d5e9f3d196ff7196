package dev.caravan.cli.commands.certs;

import dev.caravan.pki.CertificateAuthority;
import dev.caravan.pki.IssuedIdentity;
import dev.caravan.pki.PkiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code caravan certs ls}: the identities the CA directory holds. */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List the identities issued in DIR: name, role, slice, expiry.")
public final class CertsLsCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = CertsCommand.DEFAULT_DIR, description = "where the CA lives (default: ${DEFAULT-VALUE})")
    Path dir;

    @Mixin
    dev.caravan.cli.out.JsonOption output;

    @Override
    public Integer call() {
        List<IssuedIdentity> all;
        try {
            all = CertificateAuthority.load(dir).issued();
        } catch (PkiException e) {
            throw CertsCommand.failure(e);
        }
        Instant now = Instant.now();
        if (output.json) {
            List<Map<String, Object>> rows = new java.util.ArrayList<>();
            for (IssuedIdentity i : all) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", i.name());
                m.put("role", i.role());
                m.put("slice", i.slice().isEmpty() ? null : i.slice()); // null where the table shows '-': no slice
                m.put("expires", i.notAfter().toString());
                m.put("expired", i.expiredAt(now));
                rows.add(m);
            }
            dev.caravan.cli.out.Json.print(rows);
            return 0;
        }
        System.out.printf("%-24s %-9s %-16s %s%n", "NAME", "ROLE", "SLICE", "EXPIRES");
        for (IssuedIdentity i : all) {
            System.out.printf("%-24s %-9s %-16s %s%s%n", i.name(), i.role(), i.slice().isEmpty() ? "-" : i.slice(), i.notAfter(),
                    i.expiredAt(now) ? " (expired)" : "");
        }
        return 0;
    }
}
