package dev.caravan.servers.handoff;

import dev.caravan.wire.ErrorCode;
import org.newsclub.net.unix.FileDescriptorCast;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The kernel descriptor behind a JDK {@link SocketChannel}, and back: what passing a live TCP
 * connection to another process over a Unix-domain socket (SCM_RIGHTS, through junixsocket)
 * needs, since the JDK exposes neither the descriptor of a channel nor a way to build a channel
 * from one.
 *
 * <p>Both directions use the JDK's own {@code sun.nio.ch.SocketChannelImpl}, which needs the
 * JVM option {@value #ADD_OPENS} (every Caravan daemon JVM is started with it). Without it,
 * {@link #find} falls back to the slow path — the connection's socket inode looked up in
 * {@code /proc/net/tcp{,6}} by its ports, then the descriptor pointing at {@code socket:[inode]}
 * in {@code /proc/self/fd} — and {@link #wrap} is not available ({@link #canWrap()} false).
 * Linux only; {@link ErrorCode#NOT_SUPPORTED} elsewhere.
 *
 * <p>Threading: stateless; thread-safe.
 */
public final class SocketDescriptors {
    /** The JVM option that opens the JDK's channel implementation to this class. */
    public static final String ADD_OPENS = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";

    private static final MethodHandle FD_OF = fdAccessor();
    private static final Constructor<?> CHANNEL_FROM_FD = channelConstructor();
    private static final java.lang.reflect.Field FAMILY = familyField();

    private SocketDescriptors() {
    }

    /** A connection's descriptor and whether its socket is AF_INET6. */
    public record Found(FileDescriptor fd, boolean ipv6) {
    }

    private static MethodHandle fdAccessor() {
        try {
            Method m = Class.forName("sun.nio.ch.SocketChannelImpl").getDeclaredMethod("getFD");
            m.setAccessible(true);
            return MethodHandles.lookup().unreflect(m).asType(MethodType.methodType(FileDescriptor.class, SocketChannel.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static java.lang.reflect.Field familyField() {
        try {
            java.lang.reflect.Field f = Class.forName("sun.nio.ch.SocketChannelImpl").getDeclaredField("family");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Constructor<?> channelConstructor() {
        try {
            Constructor<?> c = Class.forName("sun.nio.ch.SocketChannelImpl")
                    .getDeclaredConstructor(SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class, SocketAddress.class);
            c.setAccessible(true);
            return c;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Whether {@link #wrap} works in this JVM (started with {@value #ADD_OPENS}). */
    public static boolean canWrap() {
        return CHANNEL_FROM_FD != null;
    }

    /**
     * The descriptor of a connected channel. The caller keeps owning the channel (and so the
     * descriptor): close the channel, never the returned descriptor.
     *
     * @param ch an accepted or connected TCP channel of this JVM
     * @throws IOException when the channel is not connected
     * @throws dev.caravan.wire.CaravanException NOT_SUPPORTED off Linux, NOT_FOUND when the descriptor was not found
     */
    public static Found find(SocketChannel ch) throws IOException {
        if (FD_OF != null && FAMILY != null) {
            try {
                // A dual-stack channel reports IPv4 addresses but its socket is AF_INET6: ask for the family.
                boolean ipv6 = FAMILY.get(ch) == StandardProtocolFamily.INET6;
                return new Found((FileDescriptor) FD_OF.invokeExact(ch), ipv6);
            } catch (Throwable e) {
                // Not the JDK's implementation: look it up the slow way.
            }
        }
        return findInProc(ch);
    }

    private static Found findInProc(SocketChannel ch) throws IOException {
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

    /**
     * Wraps a received TCP descriptor in the JDK's own connected {@link SocketChannel} (the class
     * {@code accept} returns). junixsocket's cast of a TCP descriptor to a channel returns 0 from
     * blocking reads and never reports the client's close; the JDK channel blocks properly,
     * reports end of stream, closes the descriptor and works with a JDK
     * {@link java.nio.channels.Selector} (event-loop models). The channel owns the descriptor.
     *
     * @param ipv6 whether the socket is AF_INET6 (the sender says so; it must match the socket)
     * @param peer the client's address, as the sender saw it
     * @throws IOException when this JVM lacks {@value #ADD_OPENS} or the descriptor is not usable
     */
    public static SocketChannel wrap(FileDescriptor fd, boolean ipv6, InetSocketAddress peer) throws IOException {
        if (CHANNEL_FROM_FD == null) {
            throw new IOException("cannot wrap a passed descriptor in a JDK SocketChannel: start the JVM with " + ADD_OPENS);
        }
        try {
            return (SocketChannel) CHANNEL_FROM_FD.newInstance(SelectorProvider.provider(),
                    ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET, fd, peer);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot wrap the passed descriptor", e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot wrap the passed descriptor in a JDK SocketChannel", e);
        }
    }
}
