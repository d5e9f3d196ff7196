package dev.caravan.launch;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The session-timeout bounds of the ZooKeeper ensemble {@code deploy/zookeeper/zoo.cfg} describes, as ZooKeeper
 * computes them: {@code minSessionTimeout} and {@code maxSessionTimeout} when given, else 2 and 20 ticks
 * (ZooKeeper administrator's guide, "Advanced Configuration"). A client's requested timeout is clamped into them,
 * so a Caravan lease (its ZooKeeper session) outside them is silently another lease.
 */
record ZooKeeperConfig(long tickTimeMs, long minSessionTimeoutMs, long maxSessionTimeoutMs) {
    static final Path FILE = Path.of("..", "deploy", "zookeeper", "zoo.cfg");

    static ZooKeeperConfig load() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(FILE)) {
            p.load(r);
        }
        long tick = Long.parseLong(p.getProperty("tickTime").trim());
        return new ZooKeeperConfig(tick, Long.parseLong(p.getProperty("minSessionTimeout", String.valueOf(2 * tick)).trim()),
                Long.parseLong(p.getProperty("maxSessionTimeout", String.valueOf(20 * tick)).trim()));
    }
}
