package dev.caravan.systemtests.clients;

import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the real-client tests run against, one per test class: a real redis-server without and with a password (the
 * sanity reference: every check must pass there), and a two-node Caravan cluster with a kv process without and with
 * a password, each reached at its data endpoint and at its stable endpoint; plus kv processes to migrate.
 *
 * <p>The password-protected kv process gets its password the way deploy stores it: the SHA-256 (lower-case hex) in
 * the process config under {@value #PASSWORD_CONFIG_KEY}.
 */
final class ClientTestBed implements AutoCloseable {
    /** Process config key of the password's SHA-256 (lower-case hex), as deploy stores it. */
    static final String PASSWORD_CONFIG_KEY = "auth.password.sha256";
    static final String PASSWORD = "caravan-client-check-pw";

    /** Where a client connects; {@code password} is null for none. */
    record Target(String label, String host, int port, String password) {
        static Target of(String label, InetSocketAddress at, String password) {
            return new Target(label, at.getHostString(), at.getPort(), password);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final String prefix;
    private final CaravanCluster cluster;
    private final RedisServerProcess redis;
    private final RedisServerProcess lockedRedis;
    private final List<Target> targets;

    private ClientTestBed(String prefix, CaravanCluster cluster, RedisServerProcess redis, RedisServerProcess lockedRedis,
                          List<Target> targets) {
        this.prefix = prefix;
        this.cluster = cluster;
        this.redis = redis;
        this.lockedRedis = lockedRedis;
        this.targets = targets;
    }

    /** Starts everything; process names start with {@code prefix}. */
    static ClientTestBed start(String prefix) throws IOException, InterruptedException {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            RedisServerProcess redis = RedisServerProcess.start(null);
            started.add(redis);
            RedisServerProcess lockedRedis = RedisServerProcess.start(PASSWORD);
            started.add(lockedRedis);
            CaravanCluster cluster = CaravanCluster.aCluster().withNodes(2).start();
            started.add(cluster);
            ProcessInfo open = cluster.deployKv(prefix + "-open", "n1");
            ProcessInfo locked = deployLockedKv(cluster, prefix + "-locked", "n1");
            List<Target> targets = List.of(
                    new Target("redis-server", "127.0.0.1", redis.port(), null),
                    new Target("redis-server with a password", "127.0.0.1", lockedRedis.port(), PASSWORD),
                    Target.of("data endpoint", CaravanCluster.dataAddress(open), null),
                    Target.of("data endpoint with a password", CaravanCluster.dataAddress(locked), PASSWORD),
                    Target.of("stable endpoint", CaravanCluster.frontAddress(open), null),
                    Target.of("stable endpoint with a password", CaravanCluster.frontAddress(locked), PASSWORD));
            return new ClientTestBed(prefix, cluster, redis, lockedRedis, targets);
        } catch (IOException | InterruptedException | RuntimeException e) {
            for (AutoCloseable c : started.reversed()) {
                try {
                    c.close();
                } catch (Exception | AssertionError suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static ProcessInfo deployLockedKv(CaravanCluster cluster, String name, String node) {
        return cluster.control(node).start(new ProcessSpec(name, "kv", "", "", CaravanCluster.PROCESS_MEMORY_BYTES,
                Map.of(PASSWORD_CONFIG_KEY, sha256Hex(PASSWORD))));
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The six places the checklist runs: redis-server, data endpoint, stable endpoint; each without and with a password. */
    List<Target> targets() {
        return targets;
    }

    /** The real redis-server without a password. */
    Target redisServer() {
        return targets.getFirst();
    }

    /** Deploys a kv process on n1 to be moved; returns its stable endpoint. */
    Target deployToMove(String suffix) {
        ProcessInfo info = cluster.deployKv(prefix + "-" + suffix, "n1");
        return Target.of("stable endpoint of " + info.name(), CaravanCluster.frontAddress(info), null);
    }

    /** Moves {@code prefix-suffix} from n1 to n2 and checks it committed there. */
    void migrate(String suffix, MigrationMode mode) {
        String name = prefix + "-" + suffix;
        InetSocketAddress at = cluster.client().resolve(name).orElseThrow().control();
        MigrationReport report = NodeControl.migrate(at, "", new MigrationRequest(name, "n2", mode, 50, 30, 2, false, "",
                ""), p -> { }, Duration.ofMinutes(1));
        assertThat(report.outcome().label()).as("%s migration of %s: %s", mode.label(), name, report).isEqualTo("committed");
        assertThat(cluster.client().resolve(name).orElseThrow().node()).isEqualTo("n2");
    }

    @Override
    public void close() {
        try (redis; lockedRedis) {
            cluster.close();
        }
    }
}
