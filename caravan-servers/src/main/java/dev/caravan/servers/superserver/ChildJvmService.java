package dev.caravan.servers.superserver;

import dev.caravan.servers.handoff.SocketDescriptors;
import dev.caravan.wire.ErrorCode;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A service in a child JVM that receives each accepted connection's descriptor: the
 * superserver spawns {@link ChildServerMain}, which connects back over a Unix-domain socket;
 * for every connection the superserver sends one byte {@code 'C'} with the TCP socket's
 * descriptor attached as SCM_RIGHTS ancillary data, then closes its own copy. The child owns
 * the very same kernel socket — no proxying; replies go straight from the child to the client.
 *
 * <pre>
 * superserver → child:  'C' + [fd] bool ipv6, utf peer-ip, i32 peer-port
 *                                   adopt this connection        child → superserver: i32 active connections
 *                       'Q'         how many connections?                              i32 active connections
 *                       'S'         stop                                               (exits)
 * </pre>
 *
 * <p>Why not inetd's "the socket is the child's stdin" ({@link System#inheritedChannel()}):
 * {@link ProcessBuilder} cannot put a socket on a child's descriptor 0, and that form gives
 * the child only one connection, while this service keeps running for later ones.
 * The child wraps the descriptor in a real JDK {@link SocketChannel} (see
 * {@link ChildServerMain}), so it sees the client's close like any server; the reaper's
 * {@code 'Q'} then reads the child's live connection count and the idle clock of
 * {@link ServiceSlot} runs as for in-process services.
 * Threading: all methods are synchronized (one conversation at a time on the control socket).
 */
final class ChildJvmService implements ServiceInstance {
    private final Process process;
    private final AFUNIXSocket control;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Path socketDir;

    ChildJvmService(ServiceSpec spec) throws IOException {
        socketDir = Files.createTempDirectory("caravan-superserver");
        Path socketPath = socketDir.resolve("ctl.sock");
        Process p = null;
        try (AFUNIXServerSocket listener = AFUNIXServerSocket.newInstance()) {
            listener.bind(AFUNIXSocketAddress.of(socketPath.toFile()));
            listener.setSoTimeout(30_000);
            String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            p = new ProcessBuilder(List.of(java, "-Xmx256m", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    ChildServerMain.class.getName(), socketPath.toString(), spec.model().cliName(), spec.protocol(), spec.name()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            control = listener.accept();
            control.setSoTimeout(30_000);
            in = new DataInputStream(control.getInputStream());
            out = new DataOutputStream(control.getOutputStream());
        } catch (SocketTimeoutException e) {
            destroy(p);
            throw ErrorCode.UNAVAILABLE.exception("service " + spec.name() + ": child JVM did not connect back within 30 s");
        } catch (IOException | RuntimeException e) {
            destroy(p);
            throw e;
        }
        process = p;
    }

    private static void destroy(Process p) {
        if (p != null) {
            p.destroyForcibly();
        }
    }

    @Override
    public synchronized void adopt(SocketChannel ch) throws IOException {
        try (ch) {
            SocketDescriptors.Found found = SocketDescriptors.find(ch);
            InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
            java.io.ByteArrayOutputStream msg = new java.io.ByteArrayOutputStream();
            DataOutputStream m = new DataOutputStream(msg);
            m.write('C');
            m.writeBoolean(found.ipv6());
            m.writeUTF(remote.getAddress().getHostAddress());
            m.writeInt(remote.getPort());
            control.setOutboundFileDescriptors(found.fd());
            out.write(msg.toByteArray()); // one write: the descriptor travels with it
            out.flush();
            in.readInt();
        }
    }

    @Override
    public synchronized int activeConnections() throws IOException {
        out.write('Q');
        out.flush();
        return in.readInt();
    }

    @Override
    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public String where() {
        return "pid " + process.pid();
    }

    /** The child's process handle (tests check it is another JVM). */
    long pid() {
        return process.pid();
    }

    @Override
    public synchronized void close() {
        try {
            out.write('S');
            out.flush();
        } catch (IOException ignored) {
            // child already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            control.close();
            Files.deleteIfExists(socketDir.resolve("ctl.sock"));
            Files.deleteIfExists(socketDir);
        } catch (IOException ignored) {
            // temp files; nothing else depends on them
        }
    }
}
