package dev.caravan.launch.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One host of a {@link NetHosts} fixture: a network namespace whose {@code eth0} is one end of a
 * veth pair; the other end ({@link #linkName()}, in the root namespace) is a port of the fixture's
 * bridge. Loopback is up inside, so daemons may also bind {@code 127.0.0.1} there.
 *
 * <pre>
 *   namespace h1            root namespace
 *   eth0 10.213.N.2 ─veth─ cvNh1 ── bridge cvbN 10.213.N.1 ── cvNh2 ─veth─ eth0 10.213.N.3 (h2)
 *
 *   with addLatency (h1):
 *   eth0 ─veth─ cvNh1 ⇄ link_emulator.py ⇄ cvNl1 ─veth─ cvNm1 ── bridge cvbN
 * </pre>
 *
 * <p>The link methods ({@link #cutLink()}, {@link #limitBandwidth(long)}, {@link #addLatency(Duration)})
 * may be called from any thread; calls on one host are serialized.
 */
public final class TestHost {
    private final NetHosts fixture;
    private final int number;
    private final String name;
    private final String address;
    private final String linkName;
    private final String emulatorSide;
    private final String bridgeSide;
    private LinkEmulator emulator;
    private boolean closed;

    TestHost(NetHosts fixture, int number, String name, String address, int subnet) {
        this.fixture = fixture;
        this.number = number;
        this.name = name;
        this.address = address;
        this.linkName = "cv" + subnet + "h" + number;
        this.emulatorSide = "cv" + subnet + "l" + number;
        this.bridgeSide = "cv" + subnet + "m" + number;
    }

    /** Creates the namespace and its link to the bridge, all up. */
    void create(String bridge) throws IOException {
        NetCommands.run("ip", "netns", "add", name);
        NetCommands.run("ip", "link", "add", linkName, "type", "veth", "peer", "name", "eth0", "netns", name);
        quietRootInterface(linkName);
        NetCommands.run("ip", "link", "set", linkName, "master", bridge, "up");
        NetCommands.run("ip", "-n", name, "addr", "add", address + "/24", "dev", "eth0");
        NetCommands.run("ip", "-n", name, "link", "set", "eth0", "up");
        NetCommands.run("ip", "-n", name, "link", "set", "lo", "up");
        LinkState.awaitForwarding(linkName);
    }

    /** 1-based number of this host in its fixture (h1 is 1). */
    public int number() {
        return number;
    }

    /** The network namespace's name, {@code caravan-<pid>-<N>-h<number>}. */
    public String name() {
        return name;
    }

    /** This host's IPv4 address on the fixture's network, e.g. {@code 10.213.7.2} (no prefix length). */
    public String address() {
        return address;
    }

    /** The root-namespace end of this host's veth pair (for {@code tc}, {@code ip -s link}). */
    public String linkName() {
        return linkName;
    }

    /**
     * {@code [ip, netns, exec, <name>]}: put it before a command (e.g. for
     * {@code ChildJvm.start}) to run that command inside this host. {@code ip netns exec} execs the
     * command, so its pid, signals and stdin are the command's own.
     */
    public List<String> execPrefix() {
        return List.of("ip", "netns", "exec", name);
    }

    /** Starts {@code command} inside this host; the caller owns the process (and its pipes). */
    public Process exec(String... command) throws IOException {
        List<String> cmd = new ArrayList<>(execPrefix());
        cmd.addAll(List.of(command));
        return new ProcessBuilder(cmd).start();
    }

    /**
     * Cuts this host off: all traffic to and from it is dropped silently, like a partition elsewhere
     * in the network, until {@link #restoreLink()}. The bridge side of its veth goes down; its own
     * {@code eth0} stays up but loses carrier, so processes inside see time-outs (not "network
     * unreachable") and keep their bound addresses. Established TCP connections survive a short cut.
     */
    public synchronized void cutLink() throws IOException {
        checkOpen();
        NetCommands.run("ip", "link", "set", linkName, "down");
    }

    /** Undoes {@link #cutLink()}. */
    public synchronized void restoreLink() throws IOException {
        checkOpen();
        NetCommands.run("ip", "link", "set", linkName, "up");
        LinkState.awaitUp(linkName);
        LinkState.awaitForwarding(emulator == null ? linkName : bridgeSide);
    }

    /**
     * Caps this host's traffic at {@code bitsPerSecond} in each direction: a {@code tc tbf} on its
     * {@code eth0} (egress) and on the bridge side of its veth (traffic toward it). 0 removes the
     * caps. The bucket holds 10 ms of traffic (at least 32 KiB); the queue up to 50 ms.
     */
    public synchronized void limitBandwidth(long bitsPerSecond) throws IOException {
        checkOpen();
        if (bitsPerSecond < 0) {
            throw new IllegalArgumentException("bandwidth cannot be negative: " + bitsPerSecond);
        }
        if (bitsPerSecond == 0) {
            deleteRootQdisc(List.of("tc", "-n", name), "eth0");
            deleteRootQdisc(List.of("tc"), linkName);
            return;
        }
        long burstBytes = Math.max(32 * 1024, bitsPerSecond / 8 / 100);
        List<String> tbf = List.of("root", "tbf", "rate", bitsPerSecond + "bit", "burst", Long.toString(burstBytes),
                "latency", "50ms");
        List<String> inside = new ArrayList<>(List.of("tc", "-n", name, "qdisc", "replace", "dev", "eth0"));
        inside.addAll(tbf);
        NetCommands.run(inside);
        List<String> outside = new ArrayList<>(List.of("tc", "qdisc", "replace", "dev", linkName));
        outside.addAll(tbf);
        NetCommands.run(outside);
    }

    /**
     * Delays every frame to and from this host by {@code oneWay} (so a round trip to any other host
     * takes at least twice that); {@link Duration#ZERO} removes the delay. A user-space emulator, a
     * child process of this JVM, relays the frames between this host's veth and a second veth pair
     * into the bridge, FIFO per direction; TSO/GSO super-frames pass whole, so one TCP stream gets
     * well over 100 MB/s through it (measured here: ~125 MB/s at 10 ms, ~300 MB/s at 3 ms). It exits
     * with this JVM. Changing a non-zero delay keeps the emulator and the order of frames in flight.
     * Returns once the new path forwards.
     */
    public synchronized void addLatency(Duration oneWay) throws IOException {
        checkOpen();
        if (oneWay.isNegative()) {
            throw new IllegalArgumentException("a delay cannot be negative: " + oneWay);
        }
        if (oneWay.isZero()) {
            removeEmulator();
            return;
        }
        if (emulator != null && emulator.isAlive()) {
            emulator.setDelay(oneWay);
            return;
        }
        removeEmulator();
        NetCommands.run("ip", "link", "add", emulatorSide, "type", "veth", "peer", "name", bridgeSide);
        quietRootInterface(emulatorSide);
        quietRootInterface(bridgeSide);
        NetCommands.run("ip", "link", "set", emulatorSide, "up");
        // off the bridge before the emulator relays: two paths to the bridge would loop
        NetCommands.run("ip", "link", "set", linkName, "nomaster");
        emulator = LinkEmulator.start(linkName, emulatorSide, oneWay);
        NetCommands.run("ip", "link", "set", bridgeSide, "master", fixture.bridgeName(), "up");
        LinkState.awaitUp(emulatorSide);
        LinkState.awaitForwarding(bridgeSide);
    }

    private void removeEmulator() throws IOException {
        if (emulator == null) {
            return;
        }
        emulator.close();
        emulator = null;
        NetCommands.run("ip", "link", "del", emulatorSide);
        NetCommands.run("ip", "link", "set", linkName, "master", fixture.bridgeName());
        LinkState.awaitForwarding(linkName);
    }

    /** Stops the emulator, kills what still runs inside, deletes the links and the namespace. */
    void destroy(List<Throwable> failures) {
        synchronized (this) {
            closed = true;
            if (emulator != null) {
                emulator.close();
                emulator = null;
            }
        }
        try {
            for (String pid : NetCommands.run("ip", "netns", "pids", name).lines().map(String::strip).toList()) {
                if (!pid.isEmpty()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the namespace may not exist (partial create); deletion below reports real problems
        }
        deleteLinkIfPresent(emulatorSide, failures);
        deleteLinkIfPresent(linkName, failures);
        if (Files.exists(Path.of("/run/netns", name))) {
            try {
                NetCommands.run("ip", "netns", "delete", name);
            } catch (IOException e) {
                failures.add(e);
            }
        }
    }

    private static void deleteLinkIfPresent(String link, List<Throwable> failures) {
        if (Files.exists(Path.of("/sys/class/net", link))) {
            try {
                NetCommands.run("ip", "link", "del", link);
            } catch (IOException e) {
                failures.add(e);
            }
        }
    }

    private void deleteRootQdisc(List<String> tc, String dev) throws IOException {
        List<String> show = new ArrayList<>(tc);
        show.addAll(List.of("qdisc", "show", "dev", dev, "root"));
        if (NetCommands.run(show).contains("tbf")) {
            List<String> del = new ArrayList<>(tc);
            del.addAll(List.of("qdisc", "del", "dev", dev, "root"));
            NetCommands.run(del);
        }
    }

    /**
     * A root-namespace interface of the fixture has no address; without these the root stack would
     * answer ARP for the bridge address on it once it is off the bridge (emulator mode), and send
     * IPv6 neighbour discovery into the test network.
     */
    static void quietRootInterface(String link) throws IOException {
        writeSysctl(Path.of("/proc/sys/net/ipv4/conf", link, "arp_ignore"), "8");
        disableIpv6(link);
    }

    /** The test network is IPv4 only; no neighbour discovery or DAD chatter on it. */
    static void disableIpv6(String link) throws IOException {
        writeSysctl(Path.of("/proc/sys/net/ipv6/conf", link, "disable_ipv6"), "1");
    }

    private static void writeSysctl(Path path, String value) throws IOException {
        if (Files.exists(path)) {
            Files.writeString(path, value);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("test host " + name + " is closed");
        }
    }

    @Override
    public String toString() {
        return "h" + number + " " + address + " (" + name + ")";
    }
}
