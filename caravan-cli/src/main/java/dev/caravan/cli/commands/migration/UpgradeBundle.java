package dev.caravan.cli.commands.migration;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.client.CaravanClient;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@code migrate --upgrade-to} and {@code restore --bundle} name: a bundle hash as it is, or a jar pushed to the node that will
 * run it (which stores and advertises it, so other nodes can pull it too) and its hash.
 */
final class UpgradeBundle {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private UpgradeBundle() {
    }

    /**
     * The hash of the bundle {@code hashOrJar} names; a jar is pushed to {@code node} first (a line on
     * stderr says so unless {@code quiet}). {@code option} names the option in errors.
     */
    static String hash(ClusterOptions cluster, String option, String hashOrJar, String node, boolean quiet) throws IOException {
        if (HASH.matcher(hashOrJar).matches()) {
            return hashOrJar;
        }
        Path jar = Path.of(hashOrJar);
        if (!Files.isRegularFile(jar)) {
            throw ErrorCode.INVALID_ARGUMENT.exception(option + " takes a bundle hash (64 hex digits) or a jar file; no such file: "
                    + hashOrJar);
        }
        try (CaravanClient client = cluster.client()) {
            Map<String, InetSocketAddress> nodes = client.nodes();
            InetSocketAddress control = nodes.get(node);
            if (control == null) {
                throw ErrorCode.NOT_FOUND.exception("no node '" + node + "'; nodes: " + nodes.keySet());
            }
            String hash = dev.caravan.cli.commands.keys.Signed.push(client.node(control), jar, Files.readAllBytes(jar), null);
            if (!quiet) {
                System.err.println("pushed " + jar.getFileName() + " to " + node + " as bundle " + hash);
            }
            return hash;
        }
    }
}
