package dev.caravan.systemtests;

import dev.caravan.cli.Main;
import dev.caravan.launch.ChildJvm;
import dev.caravan.launch.NamingMain;
import dev.caravan.launch.NodeMain;
import dev.caravan.node.slice.SliceDefinition;
import dev.caravan.node.slice.SliceRegistry;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.security.Role;
import dev.caravan.wire.security.TokenTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two tenants on a real cluster (a naming JVM and two node JVMs started with a tokens file and a
 * slices directory, the cluster token in their environment) drive it with the real {@code caravan}
 * CLI, each in its own JVM with its own {@code CARAVAN_TOKEN}: neither sees nor touches the other's
 * processes ({@code ps}, {@code stop}, {@code events}), and a viewer may look but not migrate.
 */
class TenantIsolationTest {
    private static final String CLUSTER_TOKEN = "cluster-secret-st";

    @TempDir
    Path dir;
    private final List<ChildJvm> daemons = new ArrayList<>();
    private final Map<String, String> tokens = new HashMap<>();
    private String naming;

    @AfterEach
    void stop() {
        for (ChildJvm d : daemons.reversed()) {
            d.close();
        }
    }

    /** A daemon JVM with the cluster token in its environment ({@code env} execs the JVM). */
    private ChildJvm daemon(String name, Class<?> main, List<String> args) throws IOException {
        ChildJvm j = ChildJvm.start(name, List.of("env", "CARAVAN_TOKEN=" + CLUSTER_TOKEN), CaravanCluster.FAST_JVM_OPTIONS,
                main, args, dir.resolve("logs"));
        daemons.add(j);
        return j;
    }

    /** Result of one CLI run: exit code and its stdout and stderr together. */
    private record Run(int code, String out) {
    }

    /** Runs {@code caravan ARGS} in its own JVM as {@code who} (its token in CARAVAN_TOKEN). */
    private Run caravan(String who, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("CARAVAN_TOKEN", tokens.get(who));
        pb.environment().put("CARAVAN_NAMING", naming);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("caravan " + String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void shouldKeepTwoTenantsApartThroughTheCliAndKeepAViewerFromMigrating() throws Exception {
        TokenTable table = TokenTable.empty();
        for (String[] t : new String[][] {{"ta", "admin", "alpha"}, {"tb", "admin", "beta"}, {"vic", "viewer", ""}}) {
            TokenTable.Added added = table.add(t[0], Role.parse(t[1]), t[2]);
            table = added.table();
            tokens.put(t[0], added.token());
        }
        Path tokensFile = dir.resolve("tokens");
        Files.writeString(tokensFile, table.format());
        Path slices = dir.resolve("slices");
        new SliceRegistry(slices).put(new SliceDefinition("alpha", 0, 0, 0));
        new SliceRegistry(slices).put(new SliceDefinition("beta", 0, 0, 0));

        ChildJvm n = daemon("naming", NamingMain.class, List.of("--port", "0", "--bind", "127.0.0.1", "--tokens", tokensFile.toString()));
        naming = n.awaitReady("address", 60_000);
        for (String id : List.of("n1", "n2")) {
            daemon(id, NodeMain.class, List.of("--id", id, "--naming", naming, "--bind", "127.0.0.1",
                    "--data-dir", dir.resolve(id).toString(), "--tokens", tokensFile.toString(), "--slices-dir", slices.toString()));
        }
        for (ChildJvm d : daemons.subList(1, 3)) {
            d.awaitReady("control", 60_000);
        }

        assertThat(caravan("ta", "deploy", "--sample", "kv", "--name", "a1", "--node", "n1", "--memory", "8m").code()).isZero();
        assertThat(caravan("tb", "deploy", "--sample", "kv", "--name", "b1", "--node", "n1", "--memory", "8m").code()).isZero();
        Run intoBeta = caravan("ta", "deploy", "--sample", "kv", "--name", "a2", "--slice", "beta", "--memory", "8m");
        assertThat(intoBeta.code()).isEqualTo(1);
        assertThat(intoBeta.out()).contains("may not deploy into slice beta");

        Run psA = caravan("ta", "ps");
        assertThat(psA.out()).contains("a1").doesNotContain("b1");
        assertThat(caravan("tb", "ps").out()).contains("b1").doesNotContain("a1");
        assertThat(caravan("vic", "ps").out()).contains("a1", "b1");

        Run stopB = caravan("ta", "stop", "b1");
        assertThat(stopB.code()).isEqualTo(1);
        assertThat(stopB.out()).contains("b1").doesNotContain("Exception");
        Run migrate = caravan("vic", "migrate", "a1", "--to", "n2");
        assertThat(migrate.code()).isEqualTo(1);
        assertThat(migrate.out()).contains("vic (role viewer) may not NODE_MIGRATE: needs operator");

        Run eventsB = caravan("tb", "events", "--json");
        assertThat(eventsB.out()).contains("\"b1\"").doesNotContain("\"a1\"");
        Run eventsA = caravan("ta", "events", "--json");
        assertThat(eventsA.out()).contains("\"a1\"").doesNotContain("\"b1\"");
        assertThat(caravan("vic", "events", "--json").out()).contains("\"a1\"", "\"b1\"", "request-refused");
        assertThat(caravan("vic", "ps").out()).contains("b1");
    }
}
