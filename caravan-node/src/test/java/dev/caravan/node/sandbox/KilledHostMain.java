package dev.caravan.node.sandbox;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.NamingConnections;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.NamingSpec;
import dev.caravan.node.NodeConfig;
import dev.caravan.node.NodeDaemon;
import dev.caravan.wire.node.ProcessSpec;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A host node in a JVM of its own, for {@link SandboxOrphanTest}: args {@code naming-host:port
 * node-id data-dir}. It deploys a sandboxed kv process, prints {@code SANDBOX <pid>} and serves
 * until it is killed.
 */
public final class KilledHostMain {
    private KilledHostMain() {
    }

    public static void main(String[] args) throws Exception {
        NamingSpec spec = NamingSpec.parse(args[0]);
        NamingService naming = NamingConnections.connect(spec, "node/" + args[1], "", Duration.ofSeconds(5));
        NodeConfig config = NodeConfig.loopback(args[1], 0, spec.embeddedAddress(), Path.of(args[2]));
        NodeDaemon host = NodeDaemon.start(config, naming, Clock.system(), SandboxFixture.slices(Path.of(args[2])),
                dev.caravan.wire.security.TransportSecurity.plaintext(), dev.caravan.wire.security.signing.CodePolicy.allowUnsigned());
        host.sandboxes().orElseThrow().configure(SandboxSettings.defaults(args[0]).withHeapBytes(SandboxFixture.SANDBOX_HEAP));
        SandboxFixture.deploy(host, new ProcessSpec("orphan-kv", "kv", "", "", 1 << 20, SandboxFixture.sandboxed("o")));
        System.out.println("SANDBOX " + host.sandboxes().orElseThrow().pids().get("o"));
        System.out.flush();
        host.awaitClosed();
    }
}
