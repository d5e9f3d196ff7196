package dev.caravan.launch.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test network of hosts on one machine: each host is a Linux network namespace with its own
 * IPv4 address, all joined by one bridge in the root namespace, so daemons started inside
 * different hosts talk over real TCP/IP with their own addresses, and a test can cut a host's
 * link, cap its bandwidth or delay its frames ({@link TestHost}).
 *
 * <p>Addressing: the fixture takes a free {@code 10.213.N.0/24} (locked under
 * {@code /run/caravan-netns} so that concurrent JVMs never share one, and skipped when it overlaps
 * a route or address of the machine). The bridge has {@code 10.213.N.1}, so the JVM that created
 * the fixture (in the root namespace) reaches every host directly; host {@code i} has
 * {@code 10.213.N.(i+1)}. Names: namespaces {@code caravan-<pid>-<N>-h<i>}, bridge {@code cvbN},
 * veths {@code cvNh<i>} (all at most 15 characters).
 *
 * <p>Running a daemon inside a host: {@code ChildJvm.start(name, host.execPrefix(), …)} with
 * {@code --bind host.address()}; a test in this JVM connects to {@code host.address()}.
 *
 * <p>{@link #create(int)} first deletes what crashed fixtures left behind (namespaces whose pid is
 * dead, interfaces of a network whose lock is free). {@link #close()} (also run by a JVM shutdown
 * hook) kills processes still running inside the hosts and deletes namespaces, veths, emulators and
 * the bridge. Needs root and iproute2: see {@link #available()}.
 *
 * <p>Thread-safety: {@link #create(int)} and {@link #close()} may run concurrently with other
 * fixtures (of this or other JVMs); a fixture's hosts may be driven from several threads.
 */
public final class NetHosts implements AutoCloseable {
    private static final Pattern NAMESPACE = Pattern.compile("caravan-(\\d+)-(\\w+)(?:-.*)?");
    private static final Pattern OUR_LINK = Pattern.compile("cvb(\\d+)|cv(\\d+)[hlm]\\d+");
    private static final Object PROBE_LOCK = new Object();
    private static String unavailable;
    private static boolean probed;

    private final SubnetLease lease;
    private final String bridge;
    private final List<TestHost> hosts = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private NetHosts(SubnetLease lease) {
        this.lease = lease;
        this.bridge = "cvb" + lease.index();
        this.shutdownHook = new Thread(this::closeQuietly, "net-hosts-cleanup-" + lease.index());
    }

    /**
     * Whether this machine can run the fixture: root, {@code ip netns}, veth and bridge creatable.
     * Probed once per JVM (creates and deletes a namespace, a veth pair and a bridge).
     */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /** Why {@link #available()} is false, in one line; {@code null} when it is true. */
    public static String unavailableReason() {
        synchronized (PROBE_LOCK) {
            if (!probed) {
                unavailable = probe();
                probed = true;
            }
            return unavailable;
        }
    }

    /**
     * Creates hosts h1..h{@code hostCount} on a fresh network, all links up. On failure deletes
     * what it created and throws.
     */
    public static NetHosts create(int hostCount) throws IOException {
        if (hostCount < 1 || hostCount > 200) {
            throw new IllegalArgumentException("host count must be 1..200: " + hostCount);
        }
        String reason = unavailableReason();
        if (reason != null) {
            throw new IOException(reason);
        }
        deleteNamespacesOfDeadPids();
        deleteInterfacesOfDeadFixtures();
        NetHosts net = new NetHosts(SubnetLease.acquire(NetHosts::deleteLeftovers));
        Runtime.getRuntime().addShutdownHook(net.shutdownHook);
        try {
            // A bridge's MAC otherwise follows its lowest port MAC, and changes when a port goes down or
            // leaves (cutLink, addLatency): hosts' ARP entries for the bridge address would go stale.
            NetCommands.run("ip", "link", "add", net.bridge, "address",
                    String.format("02:ca:72:76:%02x:01", net.lease.index()), "type", "bridge");
            TestHost.disableIpv6(net.bridge);
            NetCommands.run("ip", "addr", "add", net.lease.address(1) + "/24", "dev", net.bridge);
            NetCommands.run("ip", "link", "set", net.bridge, "up");
            long pid = ProcessHandle.current().pid();
            for (int i = 1; i <= hostCount; i++) {
                TestHost host = new TestHost(net, i, "caravan-" + pid + "-" + net.lease.index() + "-h" + i,
                        net.lease.address(i + 1), net.lease.index());
                net.hosts.add(host);
                host.create(net.bridge);
            }
        } catch (IOException | RuntimeException e) {
            try {
                net.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return net;
    }

    /** All hosts, h1 first. */
    public List<TestHost> hosts() {
        return List.copyOf(hosts);
    }

    /** Host {@code i}, 1-based. */
    public TestHost host(int i) {
        if (i < 1 || i > hosts.size()) {
            throw new IllegalArgumentException("no host h" + i + ": this fixture has h1..h" + hosts.size());
        }
        return hosts.get(i - 1);
    }

    /** The bridge's address, {@code 10.213.N.1}: this JVM's address on the test network. */
    public String gatewayAddress() {
        return lease.address(1);
    }

    /** The bridge interface, {@code cvbN}. */
    public String bridgeName() {
        return bridge;
    }

    /**
     * Kills processes still inside the hosts, deletes namespaces, veths, emulators and the bridge,
     * and frees the network. Idempotent. Throws {@link UncheckedIOException} (with the other
     * failures suppressed) if some of it could not be deleted, after trying all of it.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: this is the hook
        }
        List<Throwable> failures = new ArrayList<>();
        for (TestHost host : hosts) {
            host.destroy(failures);
        }
        if (Files.exists(Path.of("/sys/class/net", bridge))) {
            try {
                NetCommands.run("ip", "link", "del", bridge);
            } catch (IOException e) {
                failures.add(e);
            }
        }
        try {
            lease.close();
        } catch (IOException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            UncheckedIOException e = new UncheckedIOException("test network " + bridge + " not fully deleted: "
                    + failures.getFirst().getMessage(), new IOException(failures.getFirst()));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
        }
    }

    /** Namespaces {@code caravan-<pid>-…} whose pid is dead come from a crashed JVM. */
    private static void deleteNamespacesOfDeadPids() throws IOException {
        for (String ns : namespaces()) {
            Matcher m = NAMESPACE.matcher(ns);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).isEmpty()) {
                NetCommands.run("ip", "netns", "delete", ns);
            }
        }
    }

    /** Interfaces of a network whose lock is free belong to a crashed JVM (the kernel dropped its lock). */
    private static void deleteInterfacesOfDeadFixtures() throws IOException {
        Set<Integer> indexes = new TreeSet<>();
        for (String link : rootLinks()) {
            Matcher m = OUR_LINK.matcher(link);
            if (m.matches()) {
                indexes.add(Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2)));
            }
        }
        for (int index : indexes) {
            SubnetLease lease = SubnetLease.tryLock(index);
            if (lease != null) {
                try (lease) {
                    deleteLeftovers(index);
                }
            }
        }
    }

    private static List<String> rootLinks() throws IOException {
        List<String> links = new ArrayList<>();
        for (String line : NetCommands.run("ip", "-o", "link", "show").lines().toList()) {
            String[] fields = line.split(": ", 3);
            if (fields.length >= 2) {
                links.add(fields[1].split("@", 2)[0]);
            }
        }
        return links;
    }

    /** Called with network {@code index} locked by this JVM: whatever still uses it belongs to a dead fixture. */
    private static void deleteLeftovers(int index) throws IOException {
        Pattern ours = Pattern.compile("cvb" + index + "|cv" + index + "[hlm]\\d+");
        for (String link : rootLinks()) {
            if (ours.matcher(link).matches() && Files.exists(Path.of("/sys/class/net", link))) {
                NetCommands.run("ip", "link", "del", link);
            }
        }
        for (String ns : namespaces()) {
            Matcher m = NAMESPACE.matcher(ns);
            if (m.matches() && ns.startsWith("caravan-" + m.group(1) + "-" + index + "-")) {
                NetCommands.run("ip", "netns", "delete", ns);
            }
        }
    }

    private static List<String> namespaces() throws IOException {
        return NetCommands.run("ip", "netns", "list").lines().map(l -> l.split(" ", 2)[0]).filter(s -> !s.isBlank())
                .toList();
    }

    private static String probe() {
        String prefix = "needs root and iproute2 (ip netns, veth, bridge): ";
        try {
            String uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .map(l -> l.split("\\s+")[1]).findFirst().orElse("?");
            if (!"0".equals(uid)) {
                return prefix + "running as uid " + uid;
            }
        } catch (IOException e) {
            return prefix + "cannot read /proc/self/status: " + e.getMessage();
        }
        long pid = ProcessHandle.current().pid();
        String ns = "caravan-" + pid + "-probe";
        String veth = "cvp" + pid;
        String br = "cvq" + pid;
        try {
            NetCommands.run("ip", "netns", "add", ns);
            NetCommands.run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
            NetCommands.run("ip", "link", "add", br, "type", "bridge");
            return null;
        } catch (IOException e) {
            return prefix + e.getMessage();
        } finally {
            for (List<String> cmd : List.of(List.of("ip", "link", "del", br), List.of("ip", "link", "del", veth),
                    List.of("ip", "netns", "delete", ns))) {
                try {
                    if (!cmd.get(1).equals("link") || Files.exists(Path.of("/sys/class/net", cmd.get(3)))) {
                        NetCommands.run(cmd);
                    }
                } catch (IOException e) {
                    // nothing was created that far
                }
            }
        }
    }
}
