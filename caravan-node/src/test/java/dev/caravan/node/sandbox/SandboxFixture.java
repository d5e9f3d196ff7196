package dev.caravan.node.sandbox;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingServer;
import dev.caravan.naming.NamingSpec;
import dev.caravan.node.NodeConfig;
import dev.caravan.node.NodeDaemon;
import dev.caravan.observe.Event;
import dev.caravan.observe.EventKind;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.node.SecuritySettings;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** Host nodes in this JVM over a real naming server, whose sandboxes are real child JVMs. */
final class SandboxFixture implements AutoCloseable {
    static final long SANDBOX_HEAP = 64L << 20;
    private static final java.util.concurrent.atomic.AtomicInteger IDS = new java.util.concurrent.atomic.AtomicInteger();

    final LocalNamingService naming = new LocalNamingService();
    final NamingServer server;
    final Path dir;
    final List<NodeDaemon> hosts = new ArrayList<>();

    SandboxFixture(Path dir) throws IOException {
        this.dir = dir;
        this.server = new NamingServer(naming, new InetSocketAddress("127.0.0.1", 0), "");
    }

    /** A host with a unique id (its cgroups are caravan/<id>/...), sandboxes of {@link #SANDBOX_HEAP}. */
    NodeDaemon host(String prefix) throws Exception {
        String id = prefix + "-" + ProcessHandle.current().pid() + "-" + IDS.incrementAndGet();
        NodeConfig config = NodeConfig.loopback(id, 0, server.address(), dir.resolve(id)).withStopDeadlineMs(1000);
        NodeDaemon host = NodeDaemon.start(config, naming, Clock.system(), slices(dir),
                dev.caravan.wire.security.TransportSecurity.plaintext(), dev.caravan.wire.security.signing.CodePolicy.allowUnsigned());
        hosts.add(host);
        host.sandboxes().orElseThrow().configure(SandboxSettings.defaults(NamingSpec.embedded(server.address()).toString())
                .withHeapBytes(SANDBOX_HEAP));
        return host;
    }

    /** Slices a, b, o (no limits) defined in {@code dir/slices}: a sandboxed deploy needs its slice defined. */
    static dev.caravan.node.NodeAccessSettings slices(Path dir) throws IOException {
        dev.caravan.node.slice.SliceRegistry r = new dev.caravan.node.slice.SliceRegistry(dir.resolve("slices"));
        for (String s : List.of("a", "b", "o")) {
            r.put(new dev.caravan.node.slice.SliceDefinition(s, 0, 0, 0));
        }
        return new dev.caravan.node.NodeAccessSettings(dev.caravan.wire.security.TokenTable.empty(), r.dir());
    }

    static Map<String, String> sandboxed(String slice) {
        Map<String, String> c = new HashMap<>();
        c.put(SecuritySettings.ISOLATION, "sandbox");
        c.put(SecuritySettings.SLICE, slice);
        return c;
    }

    /** Deploys through the host's control port, as 'caravan deploy' does. */
    static ProcessInfo deploy(NodeDaemon host, ProcessSpec spec) {
        try (FrameClient c = FrameClient.connect(host.controlAddress(), new Hello("test", ""), Duration.ofSeconds(90))) {
            BodyWriter w = new BodyWriter();
            spec.writeTo(w);
            return ProcessInfo.readFrom(c.call(Op.NODE_START, w.toBytes(), Duration.ofSeconds(90)).expectOk());
        }
    }

    /** An empty bundle: the class comes from the bundle loader's parent, the class path the sandbox shares. */
    static String emptyBundle(NodeDaemon host) {
        java.io.ByteArrayOutputStream jar = new java.io.ByteArrayOutputStream();
        try {
            new java.util.jar.JarOutputStream(jar).close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (FrameClient c = FrameClient.connect(host.controlAddress(), new Hello("test", ""), Duration.ofSeconds(30))) {
            BodyWriter w = new BodyWriter();
            w.string("");
            w.bytes(jar.toByteArray());
            return c.call(Op.NODE_PUT_BUNDLE, w.toBytes(), Duration.ofSeconds(30)).expectOk().string();
        }
    }

    Optional<NamingEntry> lookup(String key) {
        return naming.lookup(key);
    }

    /** The control address of the node a process is registered on. */
    InetSocketAddress controlOf(String process) {
        String[] hp = lookup("process/" + process).orElseThrow().attributes().get("control").split(":");
        return new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
    }

    /** The data endpoint of a process, per naming. */
    InetSocketAddress dataOf(String process) {
        NamingEntry e = lookup("process/" + process).orElseThrow();
        return new InetSocketAddress(e.host(), e.port());
    }

    /** Waits (bounded) for the host's sandbox-ended event about {@code sandboxId}, after event {@code afterSeq}. */
    static Event awaitEnded(NodeDaemon host, String sandboxId, long afterSeq) {
        List<Event> found = new ArrayList<>();
        await().atMost(60, TimeUnit.SECONDS).until(() -> {
            host.events().since(afterSeq).stream()
                    .filter(e -> e.kind() == EventKind.SANDBOX_ENDED && e.subject().equals(sandboxId))
                    .findFirst().ifPresent(found::add);
            return !found.isEmpty();
        });
        return found.getFirst();
    }

    /** Runs redis-cli against {@code at} and returns its output (trimmed); fails on a non-zero exit. */
    static String redisCli(InetSocketAddress at, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", at.getHostString(), "-p", String.valueOf(at.getPort())));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("redis-cli " + String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    static InetSocketAddress data(ProcessInfo p) {
        return new InetSocketAddress(p.dataHost(), p.dataPort());
    }

    @Override
    public void close() {
        for (NodeDaemon h : hosts) {
            try {
                h.close();
            } catch (RuntimeException e) {
                System.err.println("closing " + h.nodeId() + ": " + e);
            }
        }
        server.close();
        naming.close();
    }
}
