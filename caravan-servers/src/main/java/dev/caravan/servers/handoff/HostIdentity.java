package dev.caravan.servers.handoff;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which "host" a daemon runs on, in the sense that matters for TCP handoff: one machine AND one
 * network namespace. Passing a TCP socket's descriptor over a Unix socket ({@link HandoffSender})
 * only makes sense between a switch and a node with the same identity — a Unix socket's path is
 * reachable from every network namespace of a machine (they share the file system), so reaching
 * the path proves nothing; and two machines may both call themselves {@code 127.0.0.1}.
 *
 * <p>The identity is the first 16 hex digits of SHA-256 over {@code <machine-id>/<netns>}: the
 * machine's {@code /etc/machine-id} (systemd; {@code /var/lib/dbus/machine-id} as a fallback) and
 * the target of {@code /proc/self/ns/net} ({@code net:[4026531833]}, the namespace's inode). Nodes
 * publish it as the attribute {@value #ATTRIBUTE} of {@code node/<id>}; a switch compares it with
 * its own. Where either file cannot be read (not Linux) the identity is unknown ({@code ""}) and
 * callers fall back to comparing addresses.
 *
 * <p>Threading: stateless apart from a cached value; thread-safe. A JVM never changes namespace
 * (Java cannot {@code setns} a process), so the value is computed once.
 */
public final class HostIdentity {
    /** The {@code node/<id>} attribute that carries a node's host identity. */
    public static final String ATTRIBUTE = "hostId";

    private static final Path[] MACHINE_ID = {Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id")};
    private static final Path NET_NAMESPACE = Path.of("/proc/self/ns/net");
    private static volatile String local;

    private HostIdentity() {
    }

    /** This JVM's host identity, or {@code ""} when it cannot be known here. */
    public static String local() {
        String v = local;
        if (v == null) {
            v = read(MACHINE_ID, NET_NAMESPACE);
            local = v;
        }
        return v;
    }

    /** The identity from these files (the first readable machine id); {@code ""} when one is missing. */
    static String read(Path[] machineIdFiles, Path netNamespaceLink) {
        String machine = "";
        for (Path p : machineIdFiles) {
            try {
                machine = Files.readString(p, StandardCharsets.US_ASCII).trim();
            } catch (IOException | RuntimeException e) {
                continue;
            }
            if (!machine.isEmpty()) {
                break;
            }
        }
        String namespace;
        try {
            namespace = Files.readSymbolicLink(netNamespaceLink).toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return of(machine, namespace);
    }

    /** The identity of a machine id and a network namespace's link text; {@code ""} when either is empty. */
    static String of(String machineId, String netNamespace) {
        if (machineId.isEmpty() || netNamespace.isEmpty()) {
            return "";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((machineId + "/" + netNamespace).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
