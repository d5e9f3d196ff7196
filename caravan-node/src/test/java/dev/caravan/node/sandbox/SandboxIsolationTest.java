package dev.caravan.node.sandbox;

import dev.caravan.node.NodeDaemon;
import dev.caravan.observe.Event;
import dev.caravan.observe.EventKind;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.caravan.node.sandbox.SandboxFixture.data;
import static dev.caravan.node.sandbox.SandboxFixture.deploy;
import static dev.caravan.node.sandbox.SandboxFixture.redisCli;
import static dev.caravan.node.sandbox.SandboxFixture.sandboxed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tenant A's sandboxed code runs out of heap, calls System.exit(3) and spins in a handler that
 * will not stop: each time only A's sandbox JVM ends — the host, tenant B's kv process in its own
 * sandbox and a kv process in the host's JVM keep serving redis-cli — and the host reports the end.
 * The sandboxes' cgroups hold the limits while they run and are gone after; closing the host leaves
 * no sandbox JVM behind.
 */
class SandboxIsolationTest {
    private static final Path CGROUPS = SandboxSettings.DEFAULT_CGROUP_ROOT;

    @TempDir
    Path tmp;
    private SandboxFixture fx;
    private final List<Socket> fired = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        fx = new SandboxFixture(tmp);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : fired) {
            s.close();
        }
        fx.close();
    }

    @Test
    void shouldEndOnlyTheFaultySandboxAndLeaveNoJvmBehind() throws Exception {
        NodeDaemon host = fx.host("iso");
        String bundle = SandboxFixture.emptyBundle(host);
        ProcessInfo inNode = deploy(host, new ProcessSpec("kv-host", "kv", "", "", 1 << 20, Map.of()));
        ProcessInfo bKv = deploy(host, new ProcessSpec("kv-b", "kv", "", "", 1 << 20, sandboxed("b")));
        assertThat(inNode.node()).isEqualTo(host.nodeId());
        assertThat(bKv.node()).isEqualTo(host.nodeId() + SandboxRole.SEPARATOR + "b");
        assertThat(redisCli(data(inNode), "SET", "k", "in-node")).isEqualTo("OK");
        assertThat(redisCli(data(bKv), "SET", "k", "tenant-b")).isEqualTo("OK");
        long bPid = host.sandboxes().orElseThrow().pids().get("b");
        assertThat(fx.lookup("node/" + host.nodeId() + SandboxRole.SEPARATOR + "b").orElseThrow().attributes())
                .containsEntry(SandboxRole.SANDBOX_OF, host.nodeId()).containsEntry("schedulable", "false");

        // A heap bomb.
        Event oom = hazard(host, bundle, "bomb", "BOMB");
        assertThat(oom.fields().get("cause")).startsWith("OOM");
        // System.exit(3): the same exit code as an OOM's, told apart by the JVM's own report.
        Event exit = hazard(host, bundle, "quitter", "EXIT", "3");
        assertThat(exit.fields().get("cause")).isEqualTo("exit 3");
        // A handler that never returns and ignores interrupts: stopping it ends the sandbox.
        Event runaway = hazard(host, bundle, "spinner", "LOOP");
        assertThat(runaway.fields().get("cause")).contains("runaway");
        assertThat(runaway.fields().get("exitCode")).isEqualTo(String.valueOf(SandboxMain.EXIT_RUNAWAY));
        assertThat(ProcessHandle.of(bPid).map(ProcessHandle::isAlive)).contains(true);

        // The host's shutdown stops every sandbox JVM and removes its cgroup.
        deploy(host, new ProcessSpec("a-again", "", bundle, Hazard.class.getName(), 1 << 20, sandboxed("a")));
        List<Long> pids = List.copyOf(host.sandboxes().orElseThrow().pids().values());
        assertThat(pids).hasSize(2);
        host.close();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("sandbox pid " + pid).isNotEqualTo(Optional.of(true));
        }
        if (cgroupsWritable()) {
            assertThat(Files.exists(CGROUPS.resolve("cpu/caravan").resolve(host.nodeId()))).isFalse();
            assertThat(Files.exists(CGROUPS.resolve("memory/caravan").resolve(host.nodeId()))).isFalse();
        }
    }

    /**
     * Deploys Hazard as {@code name} in slice A's sandbox, checks its cgroup, sends {@code command}
     * (LOOP: then stops it), and returns the host's report of the sandbox's end, once the host,
     * tenant B and the in-node process are seen serving.
     */
    private Event hazard(NodeDaemon host, String bundle, String name, String... command) throws Exception {
        String sandbox = host.nodeId() + SandboxRole.SEPARATOR + "a";
        long seq = host.events().lastSeq();
        ProcessInfo p = deploy(host, new ProcessSpec(name, "", bundle, Hazard.class.getName(), 1 << 20, sandboxed("a")));
        assertThat(p.node()).isEqualTo(sandbox);
        assertThat(redisCli(data(p), "PING-ME")).isEqualTo("PONG");
        long pid = host.sandboxes().orElseThrow().pids().get("a");
        assertCgroupLimits(host, "a", pid, seq);
        fire(data(p), command);
        if (command[0].equals("LOOP")) {
            try (FrameClient c = FrameClient.connect(fx.controlOf(name), new Hello("test", ""), Duration.ofSeconds(30))) {
                BodyWriter w = new BodyWriter();
                w.string(name);
                assertThatThrownBy(() -> c.call(Op.NODE_STOP, w.toBytes(), Duration.ofSeconds(30)).expectOk())
                        .as("the sandbox ends before it answers").isInstanceOf(CaravanException.class);
            }
        }
        Event ended = SandboxFixture.awaitEnded(host, sandbox, seq);
        assertThat(ended.fields()).containsEntry("slice", "a");
        assertThat(ended.fields().get("lost")).contains(name);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        assertThat(host.sandboxes().orElseThrow().pids()).doesNotContainKey("a");
        if (cgroupsWritable()) {
            assertThat(SandboxCgroup.groupDir(CGROUPS, "cpu", host.nodeId(), "a")).doesNotExist();
            assertThat(SandboxCgroup.groupDir(CGROUPS, "memory", host.nodeId(), "a")).doesNotExist();
            assertThat(SandboxCgroup.groupDir(CGROUPS, "pids", host.nodeId(), "a")).doesNotExist();
        }
        assertServing(host);
        return ended;
    }

    private void assertServing(NodeDaemon host) throws Exception {
        assertThat(host.ownsProcesses()).isTrue();
        assertThat(redisCli(fx.dataOf("kv-host"), "GET", "k")).isEqualTo("in-node");
        assertThat(redisCli(fx.dataOf("kv-b"), "GET", "k")).isEqualTo("tenant-b");
    }

    private static boolean cgroupsWritable() {
        return Files.isWritable(CGROUPS.resolve("cpu")) && Files.exists(CGROUPS.resolve("cpu/cgroup.procs"));
    }

    private static void assertCgroupLimits(NodeDaemon host, String slice, long pid, long afterSeq) throws IOException {
        if (!cgroupsWritable()) {
            assertThat(host.events().since(afterSeq)).anyMatch(e -> e.kind() == EventKind.NOTICE && e.message().contains("no cgroup"));
            return;
        }
        Path cpu = SandboxCgroup.groupDir(CGROUPS, "cpu", host.nodeId(), slice);
        Path memory = SandboxCgroup.groupDir(CGROUPS, "memory", host.nodeId(), slice);
        Path pids = SandboxCgroup.groupDir(CGROUPS, "pids", host.nodeId(), slice);
        assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us")).trim()).isEqualTo("50000");
        assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).trim())
                .isEqualTo(String.valueOf(Sandboxes.memoryLimit(host.sandboxes().orElseThrow().settings(), 1 << 20)));
        assertThat(Files.readString(pids.resolve("pids.max")).trim()).isEqualTo(String.valueOf(SandboxSettings.DEFAULT_PIDS_MAX));
        for (Path g : List.of(cpu, memory, pids)) {
            assertThat(Files.readAllLines(g.resolve("cgroup.procs"))).contains(String.valueOf(pid));
        }
    }

    /** Sends one command and does not wait for its answer (there may be none). */
    private void fire(InetSocketAddress at, String... command) throws IOException {
        Socket s = new Socket(at.getAddress(), at.getPort());
        fired.add(s);
        StringBuilder resp = new StringBuilder("*" + command.length + "\r\n");
        for (String a : command) {
            resp.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        OutputStream out = s.getOutputStream();
        out.write(resp.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
