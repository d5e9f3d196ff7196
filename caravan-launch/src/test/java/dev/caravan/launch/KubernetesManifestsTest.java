package dev.caravan.launch;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.caravan.launch.KubernetesManifests.Workload;
import dev.caravan.wire.net.Hello;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code deploy/kubernetes}: every manifest parses strictly into the Kubernetes object model (fabric8), the objects
 * refer to each other correctly, and every container runs a daemon with options that daemon accepts.
 */
class KubernetesManifestsTest {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    private static final long JVM_OVERHEAD_BYTES = 512L << 20;
    private static final long STOP_MARGIN_MS = 10_000;

    @TempDir
    Path tmp;

    @Test
    void shouldParseEveryManifestStrictlyIntoTheKubernetesModel() throws IOException {
        assertThat(KubernetesManifests.files()).as("manifests in %s", KubernetesManifests.DIR).isNotEmpty();

        KubernetesManifests m = KubernetesManifests.loadAll();

        assertThat(m.objects()).extracting(HasMetadata::getKind)
                .contains("StatefulSet", "Deployment", "Service", "ConfigMap", "PodDisruptionBudget");
        assertThat(m.objects()).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).doesNotHaveDuplicates();
    }

    @Test
    void shouldRefuseAFieldOrAKindTheModelDoesNotKnow() {
        String port = """
                apiVersion: v1
                kind: Service
                metadata: {name: s}
                spec:
                  selector: {app: a}
                  ports: [{name: p, port: 1, tragetPort: p}]
                """;
        assertThatThrownBy(() -> KubernetesManifests.parse(port)).isInstanceOf(UnrecognizedPropertyException.class)
                .hasMessageContaining("tragetPort");
        assertThatThrownBy(() -> KubernetesManifests.parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, lables: {}}\n"))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("lables");
        assertThatThrownBy(() -> KubernetesManifests.parse("apiVersion: apps/v1\nkind: StatefullSet\nmetadata: {name: n}\n"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("GenericKubernetesResource");
    }

    @Test
    void shouldSelectPodsThatExistWithEveryServiceBudgetAndWorkload() throws IOException {
        KubernetesManifests m = KubernetesManifests.loadAll();

        for (Workload w : m.workloads()) {
            assertThat(w.podLabels()).as("%s %s: its selector selects its own pods", w.kind(), w.name())
                    .containsAllEntriesOf(w.selector().getMatchLabels());
        }
        for (Service s : m.all(Service.class)) {
            List<Workload> selected = m.selectedBy(s.getSpec().getSelector());
            assertThat(selected).as("pods of Service %s", s.getMetadata().getName()).isNotEmpty();
            for (ServicePort p : s.getSpec().getPorts()) {
                for (Workload w : selected) {
                    assertThat(containerPort(w, p.getTargetPort())).as("Service %s port %s: targetPort %s in %s %s",
                            s.getMetadata().getName(), p.getName(), p.getTargetPort(), w.kind(), w.name()).isNotNull();
                }
            }
        }
        for (PodDisruptionBudget b : m.all(PodDisruptionBudget.class)) {
            assertThat(m.selectedBy(b.getSpec().getSelector().getMatchLabels())).as("pods of budget %s", b.getMetadata().getName())
                    .isNotEmpty();
        }
        for (Workload w : m.workloads()) {
            assertThat(m.all(PodDisruptionBudget.class)).as("a disruption budget for %s", w.name())
                    .anyMatch(b -> w.podLabels().entrySet().containsAll(b.getSpec().getSelector().getMatchLabels().entrySet()));
        }
        for (StatefulSet s : m.all(StatefulSet.class)) {
            Service governing = m.service(s.getSpec().getServiceName());
            assertThat(governing.getSpec().getClusterIP()).as("Service %s governs StatefulSet %s: headless",
                    governing.getMetadata().getName(), s.getMetadata().getName()).isEqualTo("None");
            assertThat(s.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(governing.getSpec().getSelector());
        }
    }

    @Test
    void shouldRunEveryContainerWithOptionsItsDaemonAcceptsAndPortsProbesAndLimitsToMatch() throws IOException {
        KubernetesManifests m = KubernetesManifests.loadAll();
        ZooKeeperConfig zk = ZooKeeperConfig.load();
        Set<String> daemons = new HashSet<>();

        for (Workload w : m.workloads()) {
            for (Container c : w.template().getSpec().getContainers()) {
                String what = w.kind() + " " + w.name() + " container " + c.getName();
                Map<String, String> env = env(m, w, c);
                List<String> words = new ArrayList<>();
                c.getCommand().forEach(word -> words.add(expand(word, env, what)));
                c.getArgs().forEach(word -> words.add(expand(word, env, what)));

                DeployedCommandLine.Checked d = DeployedCommandLine.of(words).check(file -> fromConfigMap(m, w, c, file));
                daemons.add(d.mainClass());

                assertThat(c.getPorts()).extracting(ContainerPort::getContainerPort).as("%s: its ports are those the daemon listens on", what)
                        .containsExactlyInAnyOrderElementsOf(d.listenPorts());
                int observePort = d.options().intValue("--" + (d.mainClass().endsWith("SwitchMain") ? "metrics" : "admin") + "-port");
                for (Probe probe : new Probe[] {c.getReadinessProbe(), c.getLivenessProbe()}) {
                    assertThat(probe).as("%s: readiness and liveness probes", what).isNotNull();
                    assertThat(probe.getHttpGet().getPath()).isEqualTo("/healthz");
                    ContainerPort port = containerPort(c, probe.getHttpGet().getPort());
                    assertThat(port).as("%s: probe port %s", what, probe.getHttpGet().getPort()).isNotNull();
                    assertThat(port.getContainerPort()).as("%s: probes hit the port that serves /healthz", what).isEqualTo(observePort);
                }
                assertThat(d.leaseMs()).as("%s: --lease-ms is a ZooKeeper session, within %s", what, zk)
                        .isBetween(zk.minSessionTimeoutMs(), zk.maxSessionTimeoutMs());
                assertThat(c.getEnv()).as("%s: the token from a Secret", what)
                        .anyMatch(e -> e.getName().equals(Hello.TOKEN_ENV) && e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null);
                long memoryLimit = Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")).longValueExact();
                assertThat(memoryLimit).as("%s: memory limit ≥ heap + process memory + JVM overhead", what)
                        .isGreaterThanOrEqualTo(d.heapBytes() + d.processMemoryBytes() + JVM_OVERHEAD_BYTES);
                assertThat(c.getResources().getRequests()).as("%s: requests", what).containsKeys("cpu", "memory");
                long graceMs = w.template().getSpec().getTerminationGracePeriodSeconds() * 1000;
                assertThat(graceMs).as("%s: terminationGracePeriodSeconds > --drain-grace", what)
                        .isGreaterThanOrEqualTo(d.drainGraceMs() + STOP_MARGIN_MS);
                assertThat(mountOf(c, d.stateDir())).as("%s: %s on a writable volume (the root file system is read-only)", what, d.stateDir())
                        .isNotNull().matches(v -> !Boolean.TRUE.equals(v.getReadOnly()));
            }
        }
        assertThat(daemons).containsExactlyInAnyOrder(NodeMain.class.getName(), SwitchMain.class.getName());
    }

    /** The container's environment with sample values for what only a running pod has. */
    private static Map<String, String> env(KubernetesManifests m, Workload w, Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : c.getEnv()) {
            EnvVarSource from = e.getValueFrom();
            String value;
            if (from == null) {
                value = e.getValue();
            } else if (from.getFieldRef() != null) {
                value = switch (from.getFieldRef().getFieldPath()) {
                    case "metadata.name" -> w.samplePodName();
                    case "status.podIP" -> "10.244.1.7";
                    default -> throw new AssertionError(c.getName() + ": env " + e.getName() + " from " + from.getFieldRef().getFieldPath()
                            + " (this test knows metadata.name and status.podIP)");
                };
            } else if (from.getConfigMapKeyRef() != null) {
                ConfigMap map = m.configMap(from.getConfigMapKeyRef().getName());
                value = map.getData().get(from.getConfigMapKeyRef().getKey());
                assertThat(value).as("%s: env %s: key %s of ConfigMap %s", c.getName(), e.getName(), from.getConfigMapKeyRef().getKey(),
                        map.getMetadata().getName()).isNotNull();
            } else if (from.getSecretKeyRef() != null) {
                assertThat(from.getSecretKeyRef().getName()).isNotBlank();
                value = "secret-" + from.getSecretKeyRef().getKey();
            } else {
                throw new AssertionError(c.getName() + ": env " + e.getName() + " from a source this test does not know");
            }
            env.put(e.getName(), value);
        }
        return env;
    }

    /** {@code $(VAR)} as Kubernetes expands it in command and args; a variable not in env would stay literal. */
    private static String expand(String word, Map<String, String> env, String what) {
        Matcher v = VARIABLE.matcher(word);
        StringBuilder out = new StringBuilder();
        while (v.find()) {
            String value = env.get(v.group(1));
            assertThat(value).as("%s: $(%s) in '%s' is not in the container's env; Kubernetes would pass it literally", what,
                    v.group(1), word).isNotNull();
            v.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return v.appendTail(out).toString();
    }

    /** The file a container reads at {@code path}, from the ConfigMap volume mounted there, written to a temporary file. */
    private Path fromConfigMap(KubernetesManifests m, Workload w, Container c, Path path) {
        VolumeMount mount = mountOf(c, path.toString());
        assertThat(mount).as("%s reads %s: a volume is mounted there", c.getName(), path).isNotNull();
        Volume volume = w.template().getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + ": no volume " + mount.getName()));
        assertThat(volume.getConfigMap()).as("volume %s: a ConfigMap", volume.getName()).isNotNull();
        String key = Path.of(mount.getMountPath()).relativize(path).toString();
        String data = m.configMap(volume.getConfigMap().getName()).getData().get(key);
        assertThat(data).as("key %s of ConfigMap %s", key, volume.getConfigMap().getName()).isNotNull();
        try {
            return Files.writeString(tmp.resolve(key), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static VolumeMount mountOf(Container c, String path) {
        for (VolumeMount vm : c.getVolumeMounts()) {
            if (Path.of(path).startsWith(Path.of(vm.getMountPath()))) {
                return vm;
            }
        }
        return null;
    }

    private static ContainerPort containerPort(Workload w, IntOrString port) {
        for (Container c : w.template().getSpec().getContainers()) {
            ContainerPort p = containerPort(c, port);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private static ContainerPort containerPort(Container c, IntOrString port) {
        for (ContainerPort p : c.getPorts()) {
            if (port.getIntVal() != null ? port.getIntVal().equals(p.getContainerPort()) : port.getStrVal().equals(p.getName())) {
                return p;
            }
        }
        return null;
    }
}
