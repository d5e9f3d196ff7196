package dev.caravan.servers.superserver;

import dev.caravan.wire.ErrorCode;
import org.newsclub.net.unix.FileDescriptorCast;

import java.io.FileDescriptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Finds the kernel descriptor of an accepted {@link SocketChannel}, so that it can be passed
 * to another process over a Unix-domain socket (SCM_RIGHTS, through junixsocket) — the JDK
 * exposes neither the descriptor number nor ancillary data.
 *
 * <p>How: the connection's socket inode is looked up in {@code /proc/net/tcp{,6}} by its
 * local and remote ports, then the descriptor pointing at {@code socket:[inode]} in
 * {@code /proc/self/fd}. Linux only; {@link ErrorCode#NOT_SUPPORTED} elsewhere.
 */
final class DescriptorPassing {
    private DescriptorPassing() {
    }

    /** A connection's descriptor and whether its socket is AF_INET6 (found in /proc/net/tcp6). */
    record Found(FileDescriptor fd, boolean ipv6) {
    }

    static Found find(SocketChannel ch) throws IOException {
        InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
        InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
        String[] found = inode(local.getPort(), remote.getPort());
        String inode = found[0];
        boolean ipv6 = found[1].endsWith("6");
        String target = "socket:[" + inode + "]";
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(p).toString().equals(target)) {
                        return new Found(FileDescriptorCast.unsafeUsing(Integer.parseInt(p.getFileName().toString())).getFileDescriptor(), ipv6);
                    }
                } catch (IOException e) {
                    // descriptor closed while listing
                }
            }
        }
        throw ErrorCode.NOT_FOUND.exception("no descriptor for socket inode " + inode);
    }

    private static String[] inode(int localPort, int remotePort) throws IOException {
        String l = String.format(Locale.ROOT, ":%04X", localPort);
        String r = String.format(Locale.ROOT, ":%04X", remotePort);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[1].endsWith(l) && f[2].endsWith(r)) {
                    return new String[] {f[9], table};
                }
            }
        }
        throw ErrorCode.NOT_SUPPORTED.exception("cannot find the socket in /proc/net/tcp (descriptor passing needs Linux)");
    }
}
