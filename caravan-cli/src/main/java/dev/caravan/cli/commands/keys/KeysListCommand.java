package dev.caravan.cli.commands.keys;

import dev.caravan.wire.security.signing.KeyId;
import dev.caravan.wire.security.signing.PrivateKeyFile;
import dev.caravan.wire.security.signing.TrustStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code caravan keys ls}: the trust directory's keys and this machine's signing keys, trusted or revoked. */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = "List keys: those of the trust directory (trusted or revoked) and the signing keys in --dir.")
public final class KeysListCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = ".caravan/keys", description = "signing keys (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--trust-dir", defaultValue = ".caravan/trust", description = "the trust directory (default: ${DEFAULT-VALUE})")
    Path trustDir;

    @picocli.CommandLine.Mixin
    dev.caravan.cli.out.JsonOption output;

    @Override
    public Integer call() throws Exception {
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (TrustStore.Entry e : new TrustStore(trustDir).list()) {
            rows.put(e.keyId(), new String[] {e.name(), e.revoked() ? "revoked" : "trusted", ""});
        }
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> keys = Files.newDirectoryStream(dir, "*.key")) {
                for (Path p : keys) {
                    PrivateKeyFile k = PrivateKeyFile.read(p);
                    rows.computeIfAbsent(k.keyId(), id -> new String[] {k.name(), "not trusted", ""})[2] = p.toString();
                }
            }
        }
        if (output.json) {
            java.util.List<Map<String, Object>> json = new java.util.ArrayList<>();
            rows.forEach((id, r) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", id);
                m.put("name", r[0]);
                m.put("state", r[1]);
                m.put("privateKey", r[2].isEmpty() ? null : r[2]);
                json.add(m);
            });
            dev.caravan.cli.out.Json.print(json);
            return 0;
        }
        System.out.printf("%-16s  %-20s  %-11s  %s%n", "ID", "NAME", "STATE", "PRIVATE KEY");
        rows.forEach((id, r) -> System.out.printf("%-16s  %-20s  %-11s  %s%n", KeyId.shortForm(id), r[0], r[1], r[2]));
        return 0;
    }
}
