package dev.caravan.launch;

import dev.caravan.naming.NamingSpec;
import dev.caravan.node.NodeConfig;
import dev.caravan.servers.handoff.SocketDescriptors;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.config.SwitchConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A daemon's {@code java … -cp CLASSPATH MAIN ARGS} command line as a file under {@code deploy/} runs it (a systemd
 * unit's ExecStart, a Kubernetes container's command and args, variables already expanded), checked by the daemon's
 * own parsers: the option names and arity by its {@link DaemonOptions}, every value by the configuration builder
 * its {@code run} uses ({@link NodeMain#config}, {@link SwitchMain#config}, which loads the switch's front-end file),
 * the naming spec by {@link NamingSpec}, and the JVM options against those {@code caravan node} and
 * {@code caravan switch serve} give the daemon ({@link ForegroundJvm}, {@link DaemonJvm}).
 *
 * @param jvmOptions the words between {@code java} and {@code -cp}
 * @param mainClass  the word after the class path
 * @param args       the daemon's arguments
 */
record DeployedCommandLine(List<String> jvmOptions, String mainClass, List<String> args) {
    /** What a checked command line says about the daemon it starts. */
    record Checked(String mainClass, DaemonOptions.Parsed options, NamingSpec naming, long heapBytes, long leaseMs,
                  long drainGraceMs, long processMemoryBytes, Set<Integer> listenPorts, String stateDir) {
    }

    static DeployedCommandLine of(List<String> words) {
        int cp = words.indexOf("-cp");
        assertThat(words).as("a java command line").isNotEmpty();
        assertThat(words.getFirst()).as("the program of %s", words).endsWith("java");
        assertThat(cp).as("-cp in %s", words).isPositive().isLessThan(words.size() - 2);
        return new DeployedCommandLine(List.copyOf(words.subList(1, cp)), words.get(cp + 2),
                List.copyOf(words.subList(cp + 3, words.size())));
    }

    /**
     * Checks the command line as the daemon would when it starts.
     *
     * @param localFile maps a path the daemon reads on its machine ({@code --config}) to the file in this repository
     */
    Checked check(UnaryOperator<Path> localFile) {
        List<String> jvm = new ArrayList<>(List.of(SocketDescriptors.ADD_OPENS, "--enable-native-access=ALL-UNNAMED",
                DaemonJvm.COLLECTOR));
        if (mainClass.equals(SwitchMain.class.getName())) {
            jvm = SwitchMain.withDataPlaneOptions(jvm);
        }
        assertThat(jvmOptions).as("JVM options of %s (those 'caravan node' / 'caravan switch serve' use)", mainClass)
                .containsAll(jvm);
        long heap = heapBytes();
        return switch (mainClass) {
            case "dev.caravan.launch.NodeMain" -> checkNode(heap);
            case "dev.caravan.launch.SwitchMain" -> checkSwitch(heap, localFile);
            default -> fail("main class %s is not a Caravan daemon a deployment runs (NodeMain, SwitchMain)", mainClass);
        };
    }

    private long heapBytes() {
        List<String> xmx = jvmOptions.stream().filter(o -> o.startsWith("-Xmx")).toList();
        assertThat(xmx).as("one -Xmx in %s", jvmOptions).hasSize(1);
        long heap = Sizes.parse(xmx.getFirst().substring(4));
        assertThat(heap).as("heap of %s", mainClass).isGreaterThanOrEqualTo(DaemonJvm.MIN_HEAP_BYTES);
        return heap;
    }

    private Checked checkNode(long heap) {
        DaemonOptions.Parsed o = NodeMain.OPTIONS.parse(args);
        NamingSpec naming = commonChecks(o);
        // NodeMain.config resolves naming as host:port until the zk:// spec reaches it; the spec itself was checked above.
        NodeConfig config = NodeMain.config(NodeMain.OPTIONS.parse(withValue(args, "--naming", "127.0.0.1:7400")));
        long drainGraceMs = NodeMain.drainGraceMs(o.required("--drain-grace"));
        assertThat(config.controlPort()).as("node --port: fixed, so that firewalls and Services can name it").isPositive();
        assertThat(o.intValue("--admin-port")).as("node --admin-port: fixed (probes, Prometheus)").isPositive();
        assertThat(o.value("--process-memory")).as("node --process-memory: set, not the whole machine's memory").isNotNull();
        assertThat(o.value("--data-dir")).as("node --data-dir: given, not relative to the working directory").startsWith("/");
        return new Checked(mainClass, o, naming, heap, config.leaseTtlMs(), drainGraceMs, config.processMemoryBytes(),
                new LinkedHashSet<>(List.of(config.controlPort(), o.intValue("--admin-port"))), o.value("--data-dir"));
    }

    private Checked checkSwitch(long heap, UnaryOperator<Path> localFile) {
        DaemonOptions.Parsed o = SwitchMain.OPTIONS.parse(args);
        NamingSpec naming = commonChecks(o);
        String file = o.required("--config");
        SwitchConfig config = SwitchMain.config(SwitchMain.OPTIONS.parse(withValue(withValue(args, "--naming", "127.0.0.1:7400"),
                "--config", localFile.apply(Path.of(file)).toString())));
        assertThat(config.adminPort()).as("switch --admin-port: fixed").isPositive();
        assertThat(o.intValue("--metrics-port")).as("switch --metrics-port: fixed (probes, Prometheus)").isPositive();
        assertThat(config.frontends()).as("front ends in %s", file).isNotEmpty();
        Set<Integer> ports = new LinkedHashSet<>(List.of(config.adminPort(), o.intValue("--metrics-port")));
        for (FrontendSpec f : config.frontends()) {
            assertThat(f.listen().getPort()).as("front end %s: a fixed port, so that clients and Services can name it", f.name())
                    .isPositive();
            ports.add(f.listen().getPort());
        }
        assertThat(o.value("--state-dir")).as("switch --state-dir: given, not relative to the working directory").startsWith("/");
        return new Checked(mainClass, o, naming, heap, config.leaseMs(), 0, 0, ports, o.value("--state-dir"));
    }

    private NamingSpec commonChecks(DaemonOptions.Parsed o) {
        assertThat(o.helpRequested()).as("--help in %s", args).isFalse();
        for (String launcherOnly : List.of("--heap", "--jvm-option")) {
            assertThat(o.values(launcherOnly)).as("%s is applied by the launcher, not by %s; give JVM options instead",
                    launcherOnly, mainClass).isEmpty();
        }
        assertThat(o.flag(Daemon.EXIT_ON_STDIN_EOF))
                .as("--exit-on-stdin-eof: a service's stdin is /dev/null, the daemon would exit at once").isFalse();
        String bind = o.required("--bind");
        assertThat(bind).as("--bind is advertised in naming: an address other machines reach")
                .doesNotStartWith("127.").isNotIn("0.0.0.0", "::", "localhost");
        String namingText = o.value("--naming");
        assertThat(namingText).as("--naming given explicitly").isNotNull();
        NamingSpec naming = NamingSpec.parse(namingText);
        assertThat(naming.isZooKeeper()).as("naming %s: a ZooKeeper ensemble", namingText).isTrue();
        return naming;
    }

    /** {@code args} with {@code option}'s value replaced, in either spelling ({@code --x=v}, {@code --x v}). */
    static List<String> withValue(List<String> args, String option, String value) {
        List<String> out = new ArrayList<>(args);
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).startsWith(option + "=")) {
                out.set(i, option + "=" + value);
            } else if (out.get(i).equals(option) && i + 1 < out.size()) {
                out.set(i + 1, value);
            }
        }
        return out;
    }
}
