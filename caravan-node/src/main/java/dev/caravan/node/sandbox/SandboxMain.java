package dev.caravan.node.sandbox;

import dev.caravan.core.memory.ChunkPool;
import dev.caravan.core.time.Clock;
import dev.caravan.migration.MigrationSettings;
import dev.caravan.naming.NamingConnections;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.NamingSpec;
import dev.caravan.node.NodeConfig;
import dev.caravan.node.NodeAccessSettings;
import dev.caravan.node.NodeDaemon;
import dev.caravan.wire.CloseAll;
import dev.caravan.wire.resp.RespLimits;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry point of a sandbox JVM: a {@link NodeDaemon} in sandbox mode ({@link SandboxRole}) for
 * one slice on one host, started by the host's {@link Sandboxes}. Not for users: the host passes
 * every argument and holds its stdin.
 *
 * <p>Arguments: {@code --host ID --slice S --naming SPEC --bind HOST --data-dir DIR --lease-ms MS
 * --stop-deadline-ms MS --process-memory BYTES --slices-dir DIR}; the cluster token comes in the environment
 * ({@value #TOKEN_ENV}), not on the command line where {@code ps} shows it. Once serving it prints
 * {@value #READY}{@code <control port>} on stdout. It stops its processes and exits when its stdin
 * ends (its host closed it, or died) or when it is shut down from its control port. A process that
 * cannot be stopped (a runaway handler) ends the JVM with {@value #EXIT_RUNAWAY}
 * ({@link #onUnstoppable}).
 */
public final class SandboxMain {
    /** The line a sandbox prints once it serves, followed by its control port. */
    public static final String READY = "caravan-sandbox-ready ";
    /** The cluster token, passed in the environment. */
    public static final String TOKEN_ENV = "CARAVAN_SANDBOX_TOKEN";
    /** The {@code --trust-dir} value of a sandbox whose host runs in development mode (unsigned code allowed). */
    static final String UNSIGNED = "-";
    /** Environment variable with the host's tokens table ({@link dev.caravan.wire.security.TokenTable#format()}: hashes, never tokens). */
    public static final String TOKENS_ENV = "CARAVAN_SANDBOX_TOKENS";
    /** Exit code of a sandbox ended because a handler would not stop. */
    public static final int EXIT_RUNAWAY = 86;
    /** System properties of the host JVM a sandbox inherits (naming, TLS and logging settings). */
    private static final List<String> INHERITED_PROPERTY_PREFIXES = List.of("-Dcaravan.", "-Djavax.net.", "-Djava.util.logging.");

    private SandboxMain() {
    }

    /**
     * The command line that starts a sandbox for {@code role} with {@code settings}, working in {@code dir}; it loads
     * only the code its host's {@code codePolicy} admits and reads the slice definitions of its host ({@code slicesDir},
     * absolute). The host's tokens travel in its environment ({@link #TOKENS_ENV}).
     */
    static List<String> command(NodeConfig host, SandboxRole role, SandboxSettings settings, Path dir,
                                dev.caravan.wire.security.signing.CodePolicy codePolicy, Path slicesDir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(dev.caravan.servers.handoff.SocketDescriptors.ADD_OPENS);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xmx" + (settings.heapBytes() >> 20) + "m");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xshare:auto");
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (INHERITED_PROPERTY_PREFIXES.stream().anyMatch(a::startsWith)) {
                cmd.add(a);
            }
        }
        cmd.addAll(settings.jvmOptions());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SandboxMain.class.getName());
        cmd.addAll(List.of("--host", host.nodeId(), "--slice", role.slice(), "--naming", settings.namingSpec(),
                "--bind", host.bindHost(), "--data-dir", dir.toString(), "--lease-ms", String.valueOf(host.leaseTtlMs()),
                "--stop-deadline-ms", String.valueOf(host.stopDeadlineMs()),
                "--process-memory", String.valueOf(host.processMemoryBytes()),
                "--trust-dir", codePolicy.trustDir().map(p -> p.toAbsolutePath().toString()).orElse(UNSIGNED),
                "--slices-dir", slicesDir.toString()));
        return cmd;
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception | Error e) {
            System.err.println("caravan sandbox: " + e);
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        SandboxRole role = new SandboxRole(a.get("--host"), a.get("--slice"));
        String token = System.getenv().getOrDefault(TOKEN_ENV, "");
        NamingSpec spec = NamingSpec.parse(a.get("--naming"));
        NodeConfig config = new NodeConfig(role.nodeId(), a.get("--bind"), 0, spec.isZooKeeper() ? null : spec.embeddedAddress(),
                Path.of(a.get("--data-dir")), Long.parseLong(a.get("--lease-ms")), token, 4096, Map.of(),
                Long.parseLong(a.get("--stop-deadline-ms")), ChunkPool.Config.defaults(), MigrationSettings.defaults(),
                RespLimits.DEFAULTS, Long.parseLong(a.get("--process-memory")), 0);
        // The host's identity directory, when it runs with TLS: a sandbox is a member of the cluster as its host is.
        dev.caravan.wire.security.TransportSecurity security = dev.caravan.wire.security.TransportSecurity.fromEnvironment();
        NamingService naming = NamingConnections.connect(spec, "node/" + config.nodeId(), token, Duration.ofSeconds(5), security);
        NodeDaemon node;
        try {
            String trust = a.get("--trust-dir");
            dev.caravan.wire.security.signing.CodePolicy codePolicy = trust.equals(UNSIGNED)
                    ? dev.caravan.wire.security.signing.CodePolicy.allowUnsigned()
                    : dev.caravan.wire.security.signing.CodePolicy.requireSigned(Path.of(trust));
            String tokens = System.getenv().getOrDefault(TOKENS_ENV, "");
            NodeAccessSettings access = new NodeAccessSettings(tokens.isEmpty() ? dev.caravan.wire.security.TokenTable.empty()
                    : dev.caravan.wire.security.TokenTable.parse(tokens, "the host's tokens"), Path.of(a.get("--slices-dir")));
            node = NodeDaemon.startSandbox(config, naming, Clock.system(), security, codePolicy, role, access);
        } catch (Exception e) {
            naming.close();
            throw e;
        }
        Thread.ofPlatform().daemon(true).name("sandbox-stdin-watch").start(() -> {
            awaitEof(System.in);
            CloseAll.closeAll("closing sandbox " + config.nodeId(), node, naming);
            System.exit(0);
        });
        System.out.println(READY + node.controlAddress().getPort());
        System.out.flush();
        node.awaitClosed();
        naming.close();
        System.exit(0);
    }

    private static void awaitEof(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // The host never writes: anything read is ignored.
            }
        } catch (IOException ignored) {
            // A broken pipe is an end too.
        }
    }

    /**
     * Ends this sandbox JVM because process {@code name} cannot be stopped ({@code detail} says
     * why): its thread would keep a core and its memory for good, and only the JVM's end frees
     * them. The host reports the end ({@code sandbox-ended}, cause "runaway handler"). Called by
     * the node (a stop that abandoned the process) and meant for the quota watchdog's
     * {@code onUnstoppable}.
     */
    public static void onUnstoppable(String name, String detail) {
        System.err.println("caravan sandbox: process " + name + " cannot be stopped (" + detail + "); ending the sandbox JVM");
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_RUNAWAY);
    }
}
