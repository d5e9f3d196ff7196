package dev.caravan.launch.net;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code 10.213.N.0/24} test network held by this JVM: an exclusive lock on
 * {@code /run/caravan-netns/subnet-N.lock} while the fixture lives. The kernel drops the lock when
 * the JVM dies, so a free lock whose network still has interfaces means a crashed owner: the
 * caller deletes them. A network that overlaps a route or address of the machine is skipped.
 */
final class SubnetLease implements AutoCloseable {
    static final String PREFIX = "10.213.";
    static final Path LOCK_DIR = Path.of("/run/caravan-netns");
    private static final Pattern CIDR = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)(?:/(\\d+))?");

    private final int index;
    /** Networks this JVM holds; guards every open and close of a lock file. */
    private static final java.util.Set<Integer> HELD = new java.util.HashSet<>();
    private final FileChannel channel;
    private final FileLock lock;

    private SubnetLease(int index, FileChannel channel, FileLock lock) {
        this.index = index;
        this.channel = channel;
        this.lock = lock;
    }

    /** The third octet N of {@code 10.213.N.0/24}; also part of every interface name of the fixture. */
    int index() {
        return index;
    }

    /** {@code 10.213.N.host}. */
    String address(int host) {
        return PREFIX + index + "." + host;
    }

    /**
     * Locks the first free network, starting from a place that depends on the pid so that JVMs
     * started together rarely contend. {@code onStale} is called with the index of a locked
     * network before its routes are checked, to delete what a crashed owner left behind.
     */
    static SubnetLease acquire(StaleCleaner onStale) throws IOException {
        int start = (int) (ProcessHandle.current().pid() % 250);
        for (int k = 0; k < 250; k++) {
            SubnetLease lease = tryLock(1 + (start + k) % 250);
            if (lease == null) {
                continue;
            }
            try {
                onStale.clean(lease.index);
                if (!overlapsMachineNetworks(lease.index)) {
                    return lease;
                }
            } catch (IOException | RuntimeException e) {
                lease.close();
                throw e;
            }
            lease.close();
        }
        throw new IOException("no free test network in " + PREFIX + "1-250.0/24: every one is locked under "
                + LOCK_DIR + " or overlaps a route of this machine");
    }

    /**
     * Locks network {@code index} if no fixture (of any JVM) holds it; {@code null} otherwise.
     *
     * <p>A network this JVM holds is refused before its lock file is opened: the locks are POSIX
     * record locks, which the kernel drops for the whole process when <em>any</em> descriptor of the
     * file is closed, so opening and closing a second channel to ask would free the first fixture's
     * network for another JVM to clean up under it.
     */
    static SubnetLease tryLock(int index) throws IOException {
        synchronized (HELD) {
            if (HELD.contains(index)) {
                return null;
            }
            Files.createDirectories(LOCK_DIR);
            FileChannel ch = FileChannel.open(LOCK_DIR.resolve("subnet-" + index + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // cannot happen while HELD is right; refuse rather than close another fixture's lock
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (lock == null) {
                ch.close();
                return null;
            }
            HELD.add(index);
            return new SubnetLease(index, ch, lock);
        }
    }

    /** Deletes what a dead fixture left behind on network {@code index}. */
    @FunctionalInterface
    interface StaleCleaner {
        void clean(int index) throws IOException;
    }

    private static boolean overlapsMachineNetworks(int index) throws IOException {
        long net = toLong(10, 213, index, 0);
        List<String> lines = new ArrayList<>();
        lines.addAll(NetCommands.run("ip", "-4", "-o", "route", "show", "table", "all").lines().toList());
        lines.addAll(NetCommands.run("ip", "-4", "-o", "addr", "show").lines().toList());
        for (String line : lines) {
            Matcher m = CIDR.matcher(line);
            while (m.find()) {
                long addr = toLong(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
                int len = m.group(5) == null ? 32 : Integer.parseInt(m.group(5));
                if (len == 0) {
                    continue; // a default route overlaps everything and is no conflict
                }
                int common = Math.min(len, 24);
                long mask = (0xFFFFFFFFL << (32 - common)) & 0xFFFFFFFFL;
                if ((addr & mask) == (net & mask)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static long toLong(int a, int b, int c, int d) {
        return ((long) a << 24) | ((long) b << 16) | ((long) c << 8) | d;
    }

    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            try (channel) {
                if (lock.isValid()) {
                    lock.release();
                }
            } finally {
                HELD.remove(index);
            }
        }
    }
}
