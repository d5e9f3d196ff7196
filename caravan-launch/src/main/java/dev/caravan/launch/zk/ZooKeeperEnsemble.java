package dev.caravan.launch.zk;

import dev.caravan.launch.ChildJvm;
import dev.caravan.launch.ClusterPki;
import dev.caravan.launch.DaemonPlace;
import dev.caravan.launch.ZooKeeperMain;
import dev.caravan.naming.NamingSpec;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.security.TransportSecurity;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One ZooKeeper server or an ensemble of them on loopback (or in another {@link DaemonPlace}, such
 * as a network-namespace test host), each in its own JVM running
 * {@link ZooKeeperMain}: what the cluster harness uses for naming on ZooKeeper. Ports (client,
 * quorum, election) are picked free when it starts and kept, so a member killed and restarted
 * ({@link #kill}, {@link #restart}) comes back where the others and the clients look for it,
 * with its data directory (members are numbered from 0 here; ZooKeeper's ids are these + 1).
 *
 * <p>Not thread-safe: one owner starts, inspects and closes it. Closing stops every member.
 */
public final class ZooKeeperEnsemble implements AutoCloseable {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final List<String> jvmOptions;
    private final Path workDir;
    private final List<DaemonPlace> places;
    private final int tickMs;
    private final List<Integer> clientPorts;
    private final String ensemble;
    private final ChildJvm[] members;
    private final List<ChildJvm> retired = new ArrayList<>();
    /** The cluster's certificates when members serve TLS client ports ({@code --tls}), else null. */
    private final ClusterPki pki;
    /** How this launcher probes the members' client ports: the admin identity over TLS, or plaintext. */
    private final TransportSecurity probe;

    private ZooKeeperEnsemble(List<String> jvmOptions, Path workDir, List<DaemonPlace> places, int tickMs,
                              List<Integer> clientPorts, String ensemble, ClusterPki pki) {
        this.pki = pki;
        this.probe = pki == null ? TransportSecurity.plaintext() : TransportSecurity.mutualTls(pki.admin());
        this.jvmOptions = List.copyOf(jvmOptions);
        this.workDir = workDir;
        this.places = List.copyOf(places);
        this.tickMs = tickMs;
        this.clientPorts = List.copyOf(clientPorts);
        this.ensemble = ensemble;
        this.members = new ChildJvm[clientPorts.size()];
    }

    /**
     * Starts {@code size} servers (1: standalone; 3 or 5: a quorum) and waits until they serve
     * (an ensemble: until it has a leader and every member follows).
     *
     * @param tickMs  ZooKeeper's tick: sessions (leases) may last 2..20 ticks
     * @param workDir data directories under {@code zookeeper/}, logs under {@code logs/}
     */
    public static ZooKeeperEnsemble start(int size, int tickMs, List<String> jvmOptions, Path workDir)
            throws IOException, InterruptedException {
        return start(size, tickMs, jvmOptions, workDir, DaemonPlace.LOOPBACK);
    }

    /**
     * As {@link #start(int, int, List, Path)}, every member in {@code place}: launched with its
     * command prefix and bound (client and quorum ports) to its address, which {@link #spec()} then
     * names — so that daemons in other network-namespace hosts reach it.
     */
    public static ZooKeeperEnsemble start(int size, int tickMs, List<String> jvmOptions, Path workDir, DaemonPlace place)
            throws IOException, InterruptedException {
        if (size < 1 || size > 9) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a ZooKeeper ensemble has 1..9 members, got " + size);
        }
        return start(tickMs, jvmOptions, workDir, java.util.Collections.nCopies(size, place));
    }

    /**
     * As {@link #start(int, int, List, Path)}, one member per place, member {@code i} in
     * {@code places.get(i)}: an ensemble whose servers run on different network-namespace hosts (so
     * that one server's host can be cut off alone). Each member binds its client and quorum ports to
     * its own place's address, and {@link #spec()} names every member's address.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for no place or more than 9
     */
    public static ZooKeeperEnsemble start(int tickMs, List<String> jvmOptions, Path workDir, List<DaemonPlace> places)
            throws IOException, InterruptedException {
        return start(tickMs, jvmOptions, workDir, places, null);
    }

    /**
     * As {@link #start(int, List, Path, List)}; with {@code pki} each member serves only a TLS
     * client port ({@code caravan zookeeper --tls}, identity {@code zookeeper-N} from {@code pki})
     * and this launcher probes it with the admin identity. Quorum links stay plaintext.
     */
    public static ZooKeeperEnsemble start(int tickMs, List<String> jvmOptions, Path workDir, List<DaemonPlace> places,
                                          ClusterPki pki) throws IOException, InterruptedException {
        int size = places.size();
        if (size < 1 || size > 9) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a ZooKeeper ensemble has 1..9 members, got " + size);
        }
        List<Integer> clientPorts = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            clientPorts.add(freePort());
            peers.add(places.get(i).bindAddress() + ":" + freePort() + ":" + freePort());
        }
        ZooKeeperEnsemble z = new ZooKeeperEnsemble(jvmOptions, workDir, places, tickMs, clientPorts,
                size == 1 ? null : String.join(",", peers), pki);
        try {
            for (int i = 0; i < size; i++) {
                z.members[i] = z.startMember(i, "zookeeper-" + (i + 1));
            }
            for (ChildJvm m : z.members) {
                m.awaitReady("address", 60_000);
            }
            z.awaitQuorum(Duration.ofSeconds(60));
            return z;
        } catch (IOException | InterruptedException | RuntimeException e) {
            z.close();
            throw e;
        }
    }

    private ChildJvm startMember(int i, String name) throws IOException {
        DaemonPlace place = places.get(i);
        List<String> args = new ArrayList<>(List.of("--bind", place.bindAddress(), "--port", String.valueOf(clientPorts.get(i)),
                "--tick-ms", String.valueOf(tickMs),
                "--data-dir", workDir.resolve("zookeeper").resolve(String.valueOf(i + 1)).toString()));
        if (ensemble != null) {
            args.addAll(List.of("--id", String.valueOf(i + 1), "--ensemble", ensemble));
        }
        if (pki != null) {
            args.addAll(List.of("--tls", pki.member(name, place.bindAddress()).toString()));
        }
        return ChildJvm.start(name, place.commandPrefix(), jvmOptions, ZooKeeperMain.class, args, workDir.resolve("logs"));
    }

    /** A port free on this machine's loopback; a network-namespace host has every port free. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** What {@code --naming} takes: {@code zk://} every member's client address, chroot {@value NamingSpec#DEFAULT_CHROOT}. */
    public NamingSpec spec() {
        StringBuilder b = new StringBuilder("zk://");
        for (int i = 0; i < clientPorts.size(); i++) {
            b.append(i == 0 ? "" : ",").append(places.get(i).bindAddress()).append(':').append(clientPorts.get(i));
        }
        return NamingSpec.parse(b.toString());
    }

    public int size() {
        return members.length;
    }

    /** Member {@code i}'s client address. */
    public InetSocketAddress clientAddress(int i) {
        return new InetSocketAddress(places.get(i).bindAddress(), clientPorts.get(i));
    }

    /** Where member {@code i} runs. */
    public DaemonPlace place(int i) {
        return places.get(i);
    }

    /** The JVMs running now, by member. */
    public List<ChildJvm> jvms() {
        return List.of(members);
    }

    /** Every JVM started, killed ones first (for their logs). */
    public List<ChildJvm> allJvms() {
        List<ChildJvm> all = new ArrayList<>(retired);
        all.addAll(List.of(members));
        return all;
    }

    /** Member {@code i}'s role per {@code srvr}: leader, follower, standalone; empty when it does not serve. */
    public Optional<String> mode(int i) {
        return members[i].isAlive() ? FourLetterWords.mode(clientAddress(i), PROBE_TIMEOUT, probe) : Optional.empty();
    }

    /** The member that leads (or the standalone server), if one does now. */
    public OptionalInt leader() {
        for (int i = 0; i < members.length; i++) {
            Optional<String> m = mode(i);
            if (m.isPresent() && (m.get().equals("leader") || m.get().equals("standalone"))) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * Waits until a member leads and every running member serves (follows, or leads).
     *
     * @throws dev.caravan.wire.CaravanException TIMEOUT naming each member's mode if not within {@code timeout}
     */
    public void awaitQuorum(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> modes = new ArrayList<>();
            boolean led = false;
            boolean allServe = true;
            for (int i = 0; i < members.length; i++) {
                Optional<String> m = mode(i);
                modes.add((i + 1) + "=" + m.orElse(members[i].isAlive() ? "not serving" : "dead"));
                led |= m.isPresent() && (m.get().equals("leader") || m.get().equals("standalone"));
                allServe &= m.isPresent() || !members[i].isAlive();
            }
            if (led && allServe) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw ErrorCode.TIMEOUT.exception("ZooKeeper has no quorum after " + timeout.toMillis() + " ms: " + modes);
            }
            Thread.sleep(50); // polling srvr: ZooKeeper announces no election result to outsiders
        }
    }

    /** Kills member {@code i} with SIGKILL, as a crash would. */
    public void kill(int i) throws InterruptedException {
        members[i].kill();
    }

    /** Starts member {@code i} again (after {@link #kill}) on its ports and data, waiting until it serves. */
    public ChildJvm restart(int i) throws IOException, InterruptedException {
        if (members[i].isAlive()) {
            throw new IllegalStateException("ZooKeeper member " + (i + 1) + " still runs; kill it first");
        }
        retired.add(members[i]);
        members[i] = startMember(i, "zookeeper-" + (i + 1) + "-" + (retired.size() + 1));
        members[i].awaitReady("address", 60_000);
        awaitQuorum(Duration.ofSeconds(60));
        return members[i];
    }

    @Override
    public void close() {
        for (ChildJvm m : members) {
            if (m != null) {
                m.close();
            }
        }
    }
}
