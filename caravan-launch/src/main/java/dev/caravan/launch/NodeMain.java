package dev.caravan.launch;

import dev.caravan.core.memory.ChunkPool;
import dev.caravan.core.time.Clock;
import dev.caravan.migration.MigrationSettings;
import dev.caravan.naming.NamingConnections;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.NamingSpec;
import dev.caravan.node.NodeConfig;
import dev.caravan.node.NodeDaemon;
import dev.caravan.node.balance.BalanceMode;
import dev.caravan.node.balance.BalanceSettings;
import dev.caravan.node.balance.LoadMetric;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.CloseAll;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.security.signing.CodePolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node daemon, which hosts processes: the entry point of its JVM, and what
 * {@code caravan node} runs with its arguments. Every option is checked, and the node's
 * configuration built, before anything starts.
 */
public final class NodeMain {
    /** One line for {@code caravan --help}. */
    public static final String SUMMARY = "Run a node daemon: hosts processes, serves their data endpoints and a control port.";

    static final String RESP_TLS = "--resp-tls";

    static final DaemonOptions OPTIONS = new DaemonOptions("caravan node", SUMMARY)
            .value("--id", "ID", null, "node id, unique in the cluster (required)")
            .value("--naming", "SPEC", null, NamingMain.NAMING_OPTION_HELP)
            .value("--bind", "ADDRESS", "127.0.0.1", "address for control and data endpoints")
            .value("--port", "PORT", "0", "control port; 0 picks a free one")
            .value(TlsOption.NAME, TlsOption.LABEL, null, TlsOption.HELP)
            .flag(RESP_TLS, "serve each RESP process's data endpoint over mutual TLS too (redis-cli --tls --cacert "
                    + "--cert --key), on a port of its own shown by 'caravan ps' (TLS ENDPOINT); needs --tls DIR, which "
                    + "implies it (nodes link to each other's processes over it)")
            .value("--admin-port", "PORT", "0", "admin port (HTTP: /metrics for Prometheus, /events, /logs); 0 picks a "
                    + "free one, -1 opens none")
            .value("--data-dir", "DIR", null, "where bundles are stored (default: .caravan/nodes/ID)")
            .value("--lease-ms", "MS", "3000", "naming lease; the node stops answering if it cannot renew it for this long")
            .repeatable("--device", "TYPE=PATH", "a node-local device (path under DATA-DIR/resources) that processes "
                    + "bound by type are rebound to; repeatable")
            .value("--prefault-reserve", "SIZE", null, "memory (e.g. 512m, 2g) to fault in at start, in the background, so "
                    + "the first arriving process finds it warm (default: none)")
            .value("--memory-pool-max", "SIZE", null, "memory that departed processes may leave warm for arriving ones "
                    + "(default: 256m, or the pre-fault reserve if larger)")
            .value("--process-memory", "SIZE", null, "process-memory capacity: the paged memory (deploy --memory) of the "
                    + "processes this node may host; deploys and drains place processes by what is free of it "
                    + "(default: the machine's physical memory)")
            .value("--drain-grace", "DURATION", "30s", "on SIGTERM, first move the processes to other schedulable nodes "
                    + "within this (e.g. 30s, 2m, 500ms; 0 disables: the processes stop with the node)")
            .value("--balance", "MODE", "off", "load balancing: off, push (sender-initiated: an overloaded node pushes a "
                    + "process to a probed idle node), pull (receiver-initiated: an idle node asks a probed loaded node "
                    + "for one) or both")
            .value("--balance-metric", "METRIC", "cpu", "what load is: cpu (the node JVM's share of the machine), memory "
                    + "(reserved of --process-memory) or rate (commands/s of --balance-rate-capacity)")
            .value("--balance-high", "FRACTION", "0.8", "above this load a node is overloaded (pushes, may be pulled from)")
            .value("--balance-low", "FRACTION", "0.3", "below this load a node is idle (pulls, may be pushed to); "
                    + "below --balance-high")
            .value("--balance-probes", "N", "3", "nodes probed, at random, per balancing decision")
            .value("--balance-period", "DURATION", "1s", "how often the balancer measures and decides (e.g. 1s, 500ms)")
            .value("--balance-cooldown", "DURATION", "30s", "a process that moved is not moved again by a balancer "
                    + "for this long")
            .value("--balance-rate-capacity", "N", "10000", "commands per second that count as a full node "
                    + "(--balance-metric rate)")
            .value("--handler-timeout", "DURATION", "10s", "the handler watchdog: a request running longer than this in "
                    + "a process's handler stops the process (e.g. 10s, 500ms); a deployment may set its own (--quota handler=)")
            .value("--max-bundle-size", "SIZE", "48m", "largest code bundle this node accepts (refused TOO_LARGE from the "
                    + "frame's length, before its body is read); at most 48m")
            .value("--stop-deadline-ms", "MS", String.valueOf(NodeConfig.DEFAULT_STOP_DEADLINE_MS),
                    "how long stopping a process may take before it is abandoned")
            .value("--" + RespLimits.PROTO_MAX_BULK_LEN, "SIZE", null, "longest bulk string a client may send to a data "
                    + "endpoint (default: 512m, as redis-server)")
            .value("--" + RespLimits.PROTO_MAX_MULTIBULK_LEN, "N", null, "most arguments in one command (default: "
                    + Integer.MAX_VALUE + ", as redis-server)")
            .value("--" + RespLimits.CLIENT_QUERY_BUFFER_LIMIT, "SIZE", null, "most bytes in the arguments of one command; "
                    + "a client sending more is disconnected (default: 1g)")
            .value("--" + RespLimits.CLIENT_QUERY_HEAP_LIMIT, "SIZE", null, "most heap the short arguments of one command "
                    + "may take (default: a quarter of the heap, 16m..1g); a deployment may override all four with --set")
            .value("--sandbox-heap", "SIZE", "256m", "Java heap (-Xmx) of each sandbox JVM: one per slice, started for "
                    + "processes deployed with --isolation sandbox")
            .value("--sandbox-cpu", "PERCENT", "50%", "CPU of each sandbox (its cgroup's cpu.cfs_quota_us), in percent of "
                    + "one core; applied where cgroup v1 is writable")
            .value("--heap", "SIZE", DaemonJvm.DEFAULT_HEAP, "Java heap of the node's JVM; process data lives off-heap "
                    + "(applied by 'caravan node', which starts the JVM)")
            .repeatable("--jvm-option", "OPTION", "an extra option for the node's JVM, after the defaults ("
                    + DaemonJvm.COLLECTOR + ", full JIT), e.g. --jvm-option=-XX:+UseG1GC; repeatable (applied by 'caravan node')")
            .value("--tokens", "FILE", null, "tokens with roles (written by 'caravan tokens add'): a HELLO with one of them "
                    + "gets its identity (role, slice); the cluster token (" + Hello.TOKEN_ENV + ") keeps role node")
            .value("--slices-dir", "DIR", ".caravan/slices", "the cluster's slice definitions ('caravan slice create'), "
                    + "read again at each deploy into a slice")
            .value("--trust-dir", "DIR", ".caravan/trust", "trusted code-signing keys (caravan keys trust|revoke); read again "
                    + "at every check, so a revocation takes effect without a restart")
            .flag("--allow-unsigned", "development mode: load unsigned code and do not check signatures (default: every "
                    + "bundle must be signed by a key of --trust-dir)")
            .flag(Daemon.EXIT_ON_STDIN_EOF, "exit when standard input closes (used by launchers)");

    private NodeMain() {
    }

    public static void main(String[] args) {
        Daemon.main("caravan node", args, NodeMain::run);
    }

    /**
     * What {@code caravan node} runs: the node in a JVM of its own with {@link DaemonJvm}'s
     * settings, {@code --heap} and {@code --jvm-option} applied, in the foreground; returns its exit
     * code. Options are checked here first, so a bad command line starts no JVM.
     *
     * @throws DaemonOptions.UsageException if {@code args} do not fit the options
     */
    public static int runInDaemonJvm(List<String> args) throws Exception {
        DaemonOptions.Parsed options = OPTIONS.parse(args);
        if (options.helpRequested()) {
            System.out.print(OPTIONS.usage());
            return 0;
        }
        config(options);
        accessSettings(options);
        respTls(options, TlsOption.parse(options));
        sandboxSettings(options);
        balanceSettings(options);
        quotaSettings(options);
        drainGraceMs(options.required("--drain-grace"));
        List<String> jvm = DaemonJvm.options(options.required("--heap"), options.values("--jvm-option"));
        return ForegroundJvm.run(jvm, NodeMain.class, withoutJvmSettings(args));
    }

    /**
     * Whether {@code --resp-tls} is given.
     *
     * @throws DaemonOptions.UsageException when it is given without {@code --tls DIR}
     */
    static boolean respTls(DaemonOptions.Parsed options, dev.caravan.wire.security.TransportSecurity security) {
        boolean on = options.flag(RESP_TLS);
        if (on && !security.isTls()) {
            throw new DaemonOptions.UsageException(RESP_TLS + " needs " + TlsOption.NAME + " DIR (the node's identity serves the TLS port)");
        }
        return on;
    }

    /** {@code args} without {@code --heap}, {@code --jvm-option} and the stdin flag (the launcher adds that). */
    static List<String> withoutJvmSettings(List<String> args) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--heap") || a.equals("--jvm-option")) {
                i++;
            } else if (!a.startsWith("--heap=") && !a.startsWith("--jvm-option=") && !a.equals(Daemon.EXIT_ON_STDIN_EOF)) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * Runs a node until the JVM is asked to stop or the node is shut down from its control port;
     * returns the exit code.
     *
     * @throws DaemonOptions.UsageException if {@code args} do not fit the options
     */
    public static int run(List<String> args) throws Exception {
        DaemonOptions.Parsed options = OPTIONS.parse(args);
        if (options.helpRequested()) {
            System.out.print(OPTIONS.usage());
            return 0;
        }
        NodeConfig config = config(options);
        long drainGraceMs = drainGraceMs(options.required("--drain-grace"));
        BalanceSettings balance = balanceSettings(options);
        dev.caravan.wire.security.TransportSecurity security = TlsOption.parse(options);
        boolean respTls = respTls(options, security);
        dev.caravan.node.quota.QuotaSettings quotas = quotaSettings(options);
        dev.caravan.node.sandbox.SandboxSettings sandbox = sandboxSettings(options);
        NamingService naming = NamingConnections.connect(NamingMain.daemonSpec(options.value("--naming")), "node/" + config.nodeId(),
                config.token(), Duration.ofSeconds(5), security);
        NodeDaemon node;
        try {
            node = NodeDaemon.start(config, naming, Clock.system(), accessSettings(options), security, codePolicy(options));
            if (respTls) {
                node.serveRespOverTls();
            }
            node.quotas().settings(quotas);
            // Also when off: the thresholds, metric and capacity hold when BALANCE_MODE turns it on later.
            node.startBalancer(balance);
            node.sandboxes().ifPresent(s -> s.configure(sandbox));
        } catch (Exception e) {
            try {
                naming.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        Daemon.announce("{\"role\":\"node\",\"id\":\"" + config.nodeId() + "\",\"control\":\"" + config.bindHost() + ":"
                + node.controlAddress().getPort() + "\",\"admin\":\""
                + node.adminAddress().map(a -> config.bindHost() + ":" + a.getPort()).orElse("") + "\"}");
        Thread.ofPlatform().daemon(true).name("node-closed-watch").start(() -> {
            try {
                node.awaitClosed();
                // Closed from the control port (NODE_SHUTDOWN): leave the JVM.
                System.exit(0);
            } catch (InterruptedException ignored) {
                // JVM is exiting anyway.
            }
        });
        Daemon.runUntilStopped(options.flag(Daemon.EXIT_ON_STDIN_EOF), why -> {
            // Not a static field: that would start java.util.logging before LogSetup chose its manager.
            System.Logger log = System.getLogger(NodeMain.class.getName());
            try {
                node.drainBeforeShutdown(drainGraceMs, why);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.log(System.Logger.Level.INFO, "node " + config.nodeId() + " stopping: drain interrupted; stopping its processes");
            } catch (RuntimeException e) {
                log.log(System.Logger.Level.WARNING, "node " + config.nodeId() + " stopping: drain failed (" + e.getMessage()
                        + "); stopping its processes");
            }
            CloseAll.closeAll("closing node " + config.nodeId(), node, naming);
        });
        return 0;
    }

    /** {@code --allow-unsigned} or, by default, signatures required by the keys of {@code --trust-dir}. */
    static CodePolicy codePolicy(DaemonOptions.Parsed options) {
        return options.flag("--allow-unsigned") ? CodePolicy.allowUnsigned()
                : CodePolicy.requireSigned(Path.of(options.required("--trust-dir")));
    }

    /**
     * The {@code --sandbox-*} options and where naming is, checked.
     *
     * @throws DaemonOptions.UsageException when one does not fit
     */
    static dev.caravan.node.sandbox.SandboxSettings sandboxSettings(DaemonOptions.Parsed options) {
        try {
            return dev.caravan.node.sandbox.SandboxSettings.defaults(NamingMain.daemonSpec(options.value("--naming")).toString())
                    .withHeapBytes(Sizes.parse(options.required("--sandbox-heap")))
                    .withCpuPercent(dev.caravan.node.sandbox.SandboxSettings.parseCpuPercent(options.required("--sandbox-cpu")));
        } catch (CaravanException e) {
            throw new DaemonOptions.UsageException(e.getMessage());
        }
    }

    /**
     * The {@code --balance*} options, checked.
     *
     * @throws DaemonOptions.UsageException when one does not fit
     */
    static BalanceSettings balanceSettings(DaemonOptions.Parsed options) {
        try {
            return new BalanceSettings(BalanceMode.parse(options.required("--balance")),
                    LoadMetric.parse(options.required("--balance-metric")), fraction(options, "--balance-high"),
                    fraction(options, "--balance-low"), options.intValue("--balance-probes"),
                    durationMs("--balance-period", options.required("--balance-period")),
                    durationMs("--balance-cooldown", options.required("--balance-cooldown")),
                    options.longValue("--balance-rate-capacity"));
        } catch (CaravanException e) {
            throw new DaemonOptions.UsageException(e.getMessage());
        }
    }

    /**
     * Checks node arguments that hold only {@code --balance*} options (what {@code caravan up} and
     * labs pass every node), so that a bad value is refused before any JVM starts.
     *
     * @throws DaemonOptions.UsageException when one does not fit
     */
    public static BalanceSettings checkBalanceArgs(List<String> balanceArgs) {
        List<String> args = new java.util.ArrayList<>(List.of("--id", "check"));
        args.addAll(balanceArgs);
        return balanceSettings(OPTIONS.parse(args));
    }

    private static double fraction(DaemonOptions.Parsed options, String name) {
        String v = options.required(name);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new DaemonOptions.UsageException(name + ": '" + v + "' is not a number such as 0.8");
        }
    }

    /** A duration option: a number with a unit (ms, s, m) or bare seconds, at most an hour. */
    static long durationMs(String option, String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m)?").matcher(value.trim());
        if (!m.matches()) {
            throw new DaemonOptions.UsageException(option + ": '" + value + "' is not a duration such as 30s, 2m or 500ms");
        }
        long n = Long.parseLong(m.group(1));
        long ms = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> n;
            case "m" -> n * 60_000;
            default -> n * 1000;
        };
        if (ms > 3_600_000) {
            throw new DaemonOptions.UsageException(option + ": at most 1h, got " + value);
        }
        return ms;
    }

    /** {@code --handler-timeout} and {@code --max-bundle-size}. */
    static dev.caravan.node.quota.QuotaSettings quotaSettings(DaemonOptions.Parsed options) {
        try {
            return new dev.caravan.node.quota.QuotaSettings(
                    dev.caravan.node.quota.QuotaSpec.durationMs("--handler-timeout", options.required("--handler-timeout")),
                    size("--max-bundle-size", options.required("--max-bundle-size")));
        } catch (CaravanException e) {
            throw new DaemonOptions.UsageException(e.getMessage().startsWith("--") ? e.getMessage() : "--" + e.getMessage());
        }
    }

    /**
     * {@code --drain-grace}: a number with a unit (ms, s, m) or bare seconds; 0 disables.
     *
     * @throws DaemonOptions.UsageException for anything else, or more than an hour
     */
    static long drainGraceMs(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m)?").matcher(value.trim());
        if (!m.matches()) {
            throw new DaemonOptions.UsageException("--drain-grace: '" + value + "' is not a duration such as 30s, 2m or 500ms");
        }
        long n = Long.parseLong(m.group(1));
        long ms = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> n;
            case "m" -> n * 60_000;
            default -> n * 1000;
        };
        if (ms > 3_600_000) {
            throw new DaemonOptions.UsageException("--drain-grace: at most 1h, got " + value);
        }
        return ms;
    }

    /**
     * The {@code --tokens} and {@code --slices-dir} options, the tokens file read and checked.
     *
     * @throws DaemonOptions.UsageException when the tokens file is malformed
     */
    static dev.caravan.node.NodeAccessSettings accessSettings(DaemonOptions.Parsed options) {
        String tokens = options.value("--tokens");
        try {
            return new dev.caravan.node.NodeAccessSettings(tokens == null ? dev.caravan.wire.security.TokenTable.empty()
                    : dev.caravan.wire.security.TokenTable.read(Path.of(tokens)), Path.of(options.required("--slices-dir")));
        } catch (CaravanException e) {
            throw new DaemonOptions.UsageException("--tokens: " + e.getMessage());
        }
    }

    static NodeConfig config(DaemonOptions.Parsed options) {
        String id = options.required("--id");
        String dataDir = options.value("--data-dir");
        Path dir = dataDir != null ? Path.of(dataDir) : Path.of(".caravan", "nodes", id);
        try {
            return newConfig(options, id, dir);
        } catch (CaravanException e) {
            if (e.code() == ErrorCode.INVALID_ARGUMENT) {
                throw new DaemonOptions.UsageException(e.getMessage());
            }
            throw e;
        }
    }

    private static NodeConfig newConfig(DaemonOptions.Parsed options, String id, Path dir) {
        NamingSpec naming = NamingMain.daemonSpec(options.value("--naming"));
        return new NodeConfig(id, options.required("--bind"), options.intValue("--port"),
                naming.isZooKeeper() ? null : resolved(naming.embeddedAddress()), dir, options.longValue("--lease-ms"), Hello.tokenFromEnvironment(),
                4096, devices(options.values("--device")), options.longValue("--stop-deadline-ms"),
                chunkPoolConfig(options.value("--prefault-reserve"), options.value("--memory-pool-max")),
                MigrationSettings.defaults(), respLimits(options), processMemoryBytes(options.value("--process-memory")),
                options.intValue("--admin-port"));
    }

    private static java.net.InetSocketAddress resolved(java.net.InetSocketAddress a) {
        return a.isUnresolved() ? new java.net.InetSocketAddress(a.getHostString(), a.getPort()) : a;
    }

    private static long processMemoryBytes(String value) {
        if (value == null) {
            return NodeConfig.defaultProcessMemoryBytes();
        }
        return size("--process-memory", value);
    }

    /** The endpoints' request limits: the defaults, overridden by the options of their names. */
    static RespLimits respLimits(DaemonOptions.Parsed options) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String key : List.of(RespLimits.PROTO_MAX_BULK_LEN, RespLimits.PROTO_MAX_MULTIBULK_LEN,
                RespLimits.CLIENT_QUERY_BUFFER_LIMIT, RespLimits.CLIENT_QUERY_HEAP_LIMIT)) {
            String v = options.value("--" + key);
            if (v != null) {
                given.put(key, v);
            }
        }
        try {
            return RespLimits.DEFAULTS.with(given);
        } catch (CaravanException e) {
            throw new DaemonOptions.UsageException("--" + e.getMessage());
        }
    }

    private static Map<String, String> devices(List<String> specs) {
        Map<String, String> devices = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new DaemonOptions.UsageException("--device: '" + spec + "' is not TYPE=PATH");
            }
            devices.put(spec.substring(0, eq), spec.substring(eq + 1));
        }
        return devices;
    }

    /** The pool settings from {@code --prefault-reserve} and {@code --memory-pool-max} (either may be null). */
    public static ChunkPool.Config chunkPoolConfig(String prefaultReserve, String memoryPoolMax) {
        long reserve = prefaultReserve == null ? 0 : size("--prefault-reserve", prefaultReserve);
        if (memoryPoolMax == null) {
            return ChunkPool.Config.defaults().withPrefault(reserve);
        }
        long max = size("--memory-pool-max", memoryPoolMax);
        if (reserve > max) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--prefault-reserve " + prefaultReserve + " exceeds --memory-pool-max "
                    + memoryPoolMax);
        }
        return new ChunkPool.Config(max, reserve);
    }

    private static long size(String option, String value) {
        try {
            return Sizes.parse(value);
        } catch (CaravanException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception(option + ": " + e.getMessage());
        }
    }
}
