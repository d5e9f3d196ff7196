package dev.caravan.launch;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/systemd}: the units are valid for systemd ({@code systemd-analyze verify}, where it is installed),
 * carry the settings a Caravan daemon needs, and start their daemon with options it accepts once systemd has
 * expanded the environment files ({@code $VAR} splits into words, {@code ${VAR}} stays one) and {@code %i}.
 */
class SystemdUnitsTest {
    private static final Path DIR = Path.of("..", "deploy", "systemd");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final long STOP_MARGIN_MS = 10_000;

    /** One unit file: its sections' keys, each with every value given (a key may repeat). */
    private record Unit(String file, Map<String, Map<String, List<String>>> sections) {
        static Unit parse(Path path) throws IOException {
            Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
            Map<String, List<String>> current = null;
            for (String raw : Files.readAllLines(path)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                    continue;
                }
                if (line.startsWith("[")) {
                    assertThat(line).as("%s: a section header", path).endsWith("]");
                    current = sections.computeIfAbsent(line.substring(1, line.length() - 1), k -> new LinkedHashMap<>());
                    continue;
                }
                int eq = line.indexOf('=');
                assertThat(current).as("%s: '%s' before any section", path, line).isNotNull();
                assertThat(eq).as("%s: '%s' is not KEY=VALUE", path, line).isPositive();
                assertThat(line).as("%s: no line continuations, so that this test reads what systemd reads", path).doesNotEndWith("\\");
                current.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
            }
            return new Unit(path.getFileName().toString(), sections);
        }

        List<String> all(String section, String key) {
            return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
        }

        String one(String section, String key) {
            List<String> v = all(section, key);
            assertThat(v).as("%s: [%s] %s", file, section, key).hasSize(1);
            return v.getFirst();
        }
    }

    private static List<Path> units() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".service")).sorted().toList();
        }
    }

    @Test
    void shouldPassSystemdsOwnVerification() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed; the parser checks still run");
        for (Path unit : units()) {
            Process p = new ProcessBuilder(analyze.toString(), "verify", unit.toAbsolutePath().toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("systemd-analyze verify %s ended", unit).isTrue();
            // verify also checks that ExecStart's program exists here; /usr/bin/java is the installed JDK's, not this machine's business.
            List<String> complaints = out.lines().filter(l -> !l.contains("/usr/bin/java is not executable")).toList();
            assertThat(complaints).as("systemd-analyze verify %s", unit).isEmpty();
        }
    }

    @Test
    void shouldStartEachDaemonWithOptionsItAcceptsAndStopItAfterItsDrain() throws IOException {
        ZooKeeperConfig zk = ZooKeeperConfig.load();
        List<String> daemons = new ArrayList<>();
        for (Path path : units()) {
            Unit unit = Unit.parse(path);
            assertThat(unit.one("Service", "Restart")).as("%s: Restart", unit.file()).isEqualTo("on-failure");
            assertThat(unit.one("Install", "WantedBy")).isEqualTo("multi-user.target");
            assertThat(unit.all("Service", "User")).as("%s: not root", unit.file()).hasSize(1).doesNotContain("root");
            assertThat(unit.all("Service", "MemoryDenyWriteExecute")).as("%s: the JIT writes executable memory", unit.file())
                    .allMatch(v -> v.equals("no"));
            if (!unit.file().startsWith("caravan-")) {
                continue;
            }
            assertThat(unit.file()).as("Caravan units are templates: the instance is the daemon's id").contains("@.");
            List<String> words = expand(unit, unit.one("Service", "ExecStart").replace("%i", "n1"));
            DeployedCommandLine.Checked d = DeployedCommandLine.of(words)
                    .check(file -> file.equals(Path.of("/etc/caravan/frontends.json")) ? DIR.resolve("frontends.json") : file);
            daemons.add(d.mainClass());

            assertThat(d.options().required("--id")).as("%s: --id is the instance name", unit.file()).isEqualTo("n1");
            assertThat(unit.one("Service", "KillSignal")).as("%s: SIGTERM drains the node", unit.file()).isEqualTo("SIGTERM");
            assertThat(unit.one("Service", "KillMode")).as("%s: SIGTERM to the JVM only, SIGKILL to all at the timeout", unit.file())
                    .isEqualTo("mixed");
            long stopMs = Long.parseLong(unit.one("Service", "TimeoutStopSec")) * 1000;
            assertThat(stopMs).as("%s: TimeoutStopSec > --drain-grace", unit.file()).isGreaterThanOrEqualTo(d.drainGraceMs() + STOP_MARGIN_MS);
            assertThat(d.leaseMs()).as("%s: --lease-ms is a ZooKeeper session, within %s", unit.file(), zk)
                    .isBetween(zk.minSessionTimeoutMs(), zk.maxSessionTimeoutMs());
            assertThat(unit.one("Service", "RestrictAddressFamilies")).as("%s: TCP handoff needs Unix sockets", unit.file())
                    .contains("AF_UNIX", "AF_INET", "AF_INET6");
            assertThat(d.stateDir()).as("%s: writes only its StateDirectory", unit.file())
                    .isEqualTo("/var/lib/" + unit.one("Service", "StateDirectory").replace("%i", "n1"));
            assertThat(environment(unit)).as("%s: the token", unit.file()).containsKey(dev.caravan.wire.net.Hello.TOKEN_ENV);
        }
        assertThat(daemons).containsExactlyInAnyOrder(NodeMain.class.getName(), SwitchMain.class.getName());
    }

    /** The variables of the unit's EnvironmentFiles (/etc/caravan/X read from this directory's X). */
    private static Map<String, String> environment(Unit unit) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String f : unit.all("Service", "EnvironmentFile")) {
            boolean optional = f.startsWith("-");
            Path local = DIR.resolve(Path.of(optional ? f.substring(1) : f).getFileName());
            if (optional && !Files.exists(local)) {
                continue;
            }
            assertThat(f).as("%s: environment files live in /etc/caravan", unit.file()).contains("/etc/caravan/");
            for (String line : Files.readAllLines(local)) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    int eq = l.indexOf('=');
                    assertThat(eq).as("%s: '%s' is not NAME=VALUE", local, l).isPositive();
                    assertThat(l.substring(eq + 1)).as("%s: no quoting, so that this test reads what systemd reads", local)
                            .doesNotContain("\"", "'");
                    env.put(l.substring(0, eq), l.substring(eq + 1));
                }
            }
        }
        return env;
    }

    /** ExecStart's words as systemd makes them: split at spaces, {@code $VAR} into words, {@code ${VAR}} as one. */
    private static List<String> expand(Unit unit, String execStart) throws IOException {
        Map<String, String> env = environment(unit);
        assertThat(execStart).as("%s: no quoting in ExecStart", unit.file()).doesNotContain("\"", "'");
        List<String> words = new ArrayList<>();
        for (String word : execStart.split("\\s+")) {
            Matcher whole = VARIABLE.matcher(word);
            if (whole.matches() && whole.group(2) != null) {
                String value = env.get(whole.group(2));
                assertThat(value).as("%s: $%s is in no environment file", unit.file(), whole.group(2)).isNotNull();
                words.addAll(List.of(value.strip().split("\\s+")));
                continue;
            }
            Matcher v = VARIABLE.matcher(word);
            StringBuilder out = new StringBuilder();
            while (v.find()) {
                String name = v.group(1) != null ? v.group(1) : v.group(2);
                assertThat(env.get(name)).as("%s: %s is in no environment file", unit.file(), name).isNotNull();
                v.appendReplacement(out, Matcher.quoteReplacement(env.get(name)));
            }
            words.add(v.appendTail(out).toString());
        }
        return words;
    }
}
