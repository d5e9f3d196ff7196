package dev.caravan.node;

import dev.caravan.servers.handoff.HandoffCodec;
import dev.caravan.servers.handoff.HandoffReply;
import dev.caravan.servers.handoff.HandoffRequest;
import dev.caravan.servers.handoff.HandoffSender;
import dev.caravan.servers.handoff.SocketDescriptors;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.FileDescriptorCast;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The node's end of TCP handoff: a Unix-domain socket ({@code <data-dir>/handoff.sock}, mode
 * 0600) on which a switch on this host passes a live client connection — its descriptor as
 * SCM_RIGHTS ancillary data, with the bytes the switch already read (message format:
 * {@link HandoffCodec}) — and the named process's data endpoint adopts it as one of its own
 * client connections. From then on the client talks to the process directly; the switch has left
 * the data path.
 *
 * <p>Who may hand off: only a peer process running with this node's uid (SO_PEERCRED), and, when
 * the cluster has a token, only with that token as the message's first field. A refused or
 * malformed request is answered with its reason and the descriptor that came with it is closed
 * here (the switch keeps its own copy and serves the client another way); a malformed one also
 * ends that connection, since the stream is out of step. Other connections are unaffected.
 *
 * <p>Threading: one platform thread accepts; each switch connection is served by a platform
 * thread of its own (at most {@value #MAX_CONNECTIONS}; a switch's
 * {@link dev.caravan.servers.handoff.HandoffSender} opens fewer); {@link #close} from any thread.
 *
 * <p>Adopted means served: the reply "adopted" is written only after the process took the
 * connection; a process at its connection limit refuses it (UNAVAILABLE), its copy is closed and
 * the switch serves the client itself.
 */
final class HandoffReceiver implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HandoffReceiver.class.getName());
    /** Switch connections served at once; more are refused (BUSY) and closed at accept. */
    static final int MAX_CONNECTIONS = 64;
    /** A switch connection that sends nothing this long is closed (the switch reconnects when it needs to). */
    static final int IDLE_TIMEOUT_MS = 300_000;

    /** Where a handed-off connection goes: a process of this node. */
    interface Target {
        /** The epoch of the process running here now. */
        long epoch();

        /** Serves the connection (owned from now on) as a client connection of the process; {@code alreadyRead} first. */
        void adopt(SocketChannel connection, ByteBuffer alreadyRead);
    }

    /** Finds the process a request names; null when it is not served here. */
    interface Targets {
        Target find(String processName);
    }

    private final Path path;
    private final byte[] token;
    private final Targets targets;
    private final long uid;
    private final int idleTimeoutMs;
    private final AFUNIXServerSocket listener;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final Set<AFUNIXSocket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private HandoffReceiver(Path path, String token, Targets targets, int idleTimeoutMs) throws IOException {
        this.path = path.toAbsolutePath();
        this.idleTimeoutMs = idleTimeoutMs;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.targets = targets;
        this.uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        Files.deleteIfExists(this.path); // a socket file left by a node that was killed
        listener = AFUNIXServerSocket.newInstance();
        try {
            listener.bind(AFUNIXSocketAddress.of(this.path.toFile()));
            Files.setPosixFilePermissions(this.path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        acceptor = Thread.ofPlatform().daemon(true).name("handoff-accept").unstarted(this::acceptLoop);
    }

    /**
     * Binds {@code path} and starts accepting.
     *
     * @param token the cluster token ("" for none)
     * @throws IOException when the socket cannot be bound (path too long for a Unix socket: 107 bytes)
     */
    static HandoffReceiver start(Path path, String token, Targets targets) throws IOException {
        return start(path, token, targets, IDLE_TIMEOUT_MS);
    }

    /** As {@link #start(Path, String, Targets)}, closing a switch connection silent for {@code idleTimeoutMs} (tests). */
    static HandoffReceiver start(Path path, String token, Targets targets, int idleTimeoutMs) throws IOException {
        if (idleTimeoutMs <= 0) {
            throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeoutMs);
        }
        HandoffReceiver r = new HandoffReceiver(path, token, targets, idleTimeoutMs);
        r.acceptor.start();
        return r;
    }

    /** The socket's absolute path (what the node advertises in naming as {@code handoff}). */
    Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            AFUNIXSocket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (closed || listener.isClosed()) {
                    return;
                }
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "handoff socket " + path + ": accept failed: " + HandoffSender.describe(e));
                }
                continue;
            }
            if (!slots.tryAcquire()) {
                LOG.log(System.Logger.Level.WARNING, "handoff socket " + path + ": " + MAX_CONNECTIONS
                        + " switch connections already open; one more refused");
                refuseBusy(s);
                continue;
            }
            open.add(s);
            // A platform thread, not a virtual one: junixsocket 2.10 parks a virtual thread's read on one
            // blocking poll loop per socket run on ForkJoinPool.commonPool() (1 thread on 2 cores), where an
            // idle switch connection's loop keeps the others' waiting: answers came late or never.
            Thread.ofPlatform().daemon(true).name("handoff-conn").start(() -> {
                try {
                    serve(s);
                } finally {
                    open.remove(s);
                    closeQuietly(s);
                    slots.release();
                }
            });
        }
    }

    /** One switch connection: requests until it closes or sends something bad. */
    private void serve(AFUNIXSocket s) {
        try {
            long peerUid = s.getPeerCredentials().getUid();
            if (peerUid != uid) {
                LOG.log(System.Logger.Level.WARNING, "handoff socket " + path + ": refused a peer with uid " + peerUid);
                return;
            }
            s.setAncillaryReceiveBufferSize(1024);
            s.setSoTimeout(idleTimeoutMs);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (!closed) {
                HandoffRequest request;
                try {
                    request = HandoffCodec.decode(in);
                } catch (CaravanException e) {
                    closeAll(s.getReceivedFileDescriptors());
                    LOG.log(System.Logger.Level.WARNING, "handoff socket " + path + ": " + e.getMessage() + "; connection closed");
                    HandoffCodec.writeReply(out, HandoffReply.refused(e.code(), e.getMessage()));
                    drainBeforeClose(s, in);
                    return;
                }
                FileDescriptor[] fds = s.getReceivedFileDescriptors();
                if (request == null) {
                    closeAll(fds);
                    return;
                }
                HandoffReply reply = onRequest(request, fds);
                HandoffCodec.writeReply(out, reply);
                if (!reply.adopted() && (reply.error() == ErrorCode.UNAUTHENTICATED || reply.error() == ErrorCode.MALFORMED)) {
                    return;
                }
            }
        } catch (EOFException e) {
            closeAll(receivedQuietly(s));
            LOG.log(System.Logger.Level.DEBUG, "handoff socket " + path + ": a request was cut short");
        } catch (java.net.SocketTimeoutException e) {
            closeAll(receivedQuietly(s));
            LOG.log(System.Logger.Level.DEBUG, "handoff socket " + path + ": a switch connection sent nothing for "
                    + idleTimeoutMs + " ms; closed");
        } catch (SocketException e) {
            closeAll(receivedQuietly(s));
            LOG.log(System.Logger.Level.DEBUG, "handoff connection ended: " + HandoffSender.describe(e));
        } catch (IOException e) {
            closeAll(receivedQuietly(s));
            LOG.log(System.Logger.Level.INFO, "handoff connection ended: " + HandoffSender.describe(e));
        }
    }

    /** Checks and adopts; every path either hands the descriptor to a channel or closes it. */
    private HandoffReply onRequest(HandoffRequest request, FileDescriptor[] fds) {
        if (fds == null || fds.length != 1) {
            closeAll(fds);
            return HandoffReply.refused(ErrorCode.MALFORMED, "a handoff carries exactly one descriptor, got "
                    + (fds == null ? 0 : fds.length));
        }
        if (!MessageDigest.isEqual(token, request.token().getBytes(StandardCharsets.UTF_8))) {
            closeAll(fds);
            return HandoffReply.refused(ErrorCode.UNAUTHENTICATED, "wrong cluster token");
        }
        Target target = targets.find(request.processName());
        if (target == null) {
            closeAll(fds);
            return HandoffReply.refused(ErrorCode.NOT_FOUND, "process " + request.processName() + " is not served on this node");
        }
        long epoch = target.epoch();
        if (request.epoch() != 0 && request.epoch() != epoch) {
            closeAll(fds);
            return HandoffReply.refused(ErrorCode.STALE_EPOCH, "process " + request.processName() + " runs epoch " + epoch
                    + " here, not " + request.epoch());
        }
        // junixsocket closes the descriptors it received when this switch connection closes: the
        // process gets a duplicate of its own, and the received one is closed (and invalidated) here.
        FileDescriptor fd;
        try {
            fd = FileDescriptorCast.duplicating(fds[0]).getFileDescriptor();
        } catch (IOException e) {
            closeAll(fds);
            return HandoffReply.refused(ErrorCode.UNAVAILABLE, "cannot duplicate the passed descriptor: "
                    + HandoffSender.describe(e));
        } finally {
            closeAll(fds);
        }
        SocketChannel ch;
        try {
            ch = SocketDescriptors.wrap(fd, request.ipv6(), request.client());
        } catch (IOException e) {
            closeAll(new FileDescriptor[] {fd});
            return HandoffReply.refused(ErrorCode.NOT_SUPPORTED, HandoffSender.describe(e));
        }
        try {
            target.adopt(ch, ByteBuffer.wrap(request.alreadyRead()));
        } catch (CaravanException e) {
            ErrorCode code = e.code() == ErrorCode.NOT_SUPPORTED || e.code() == ErrorCode.BUSY ? e.code() : ErrorCode.UNAVAILABLE;
            LOG.log(System.Logger.Level.DEBUG, "handoff to " + request.processName() + " refused: " + e.getMessage());
            return HandoffReply.refused(code, e.getMessage());
        } catch (RuntimeException e) {
            // The channel's owner is unknown after an unexpected failure: close it rather than answer "adopted".
            closeQuietly(ch);
            LOG.log(System.Logger.Level.WARNING, "handoff to " + request.processName() + " failed: " + HandoffSender.describe(e));
            return HandoffReply.refused(ErrorCode.UNAVAILABLE, "process " + request.processName() + " could not adopt: "
                    + HandoffSender.describe(e));
        }
        return HandoffReply.ADOPTED;
    }

    /**
     * After refusing garbage: ends output and discards what the peer still sent (bounded), so that
     * closing does not reset the connection and destroy the refusal before the peer reads it.
     */
    private static void drainBeforeClose(AFUNIXSocket s, InputStream in) throws IOException {
        s.shutdownOutput();
        s.setSoTimeout(200);
        byte[] sink = new byte[4096];
        int total = 0;
        try {
            int n;
            while (total < HandoffCodec.MAX_PREFIX_BYTES && (n = in.read(sink)) > 0) {
                total += n;
            }
        } catch (java.net.SocketTimeoutException e) {
            // The peer sent nothing more: close now.
        }
        closeAll(s.getReceivedFileDescriptors());
    }

    /**
     * A connection over the limit gets a refusal (BUSY) before it is closed, never silence: its
     * first request, if already sent, is never read (its descriptor is dropped with the
     * connection), so the refusal answers it, and the switch serves that client itself. Silence
     * would leave the switch unsure whether the node adopted the client. The reply is a few bytes
     * into an empty socket buffer: the write does not block the acceptor.
     */
    private void refuseBusy(AFUNIXSocket s) {
        try {
            HandoffCodec.writeReply(s.getOutputStream(), HandoffReply.refused(ErrorCode.BUSY, "handoff socket busy: "
                    + MAX_CONNECTIONS + " switch connections open"));
        } catch (IOException e) {
            // The switch is gone already.
        } finally {
            closeQuietly(s);
        }
    }

    private static FileDescriptor[] receivedQuietly(AFUNIXSocket s) {
        try {
            return s.getReceivedFileDescriptors();
        } catch (IOException e) {
            return null;
        }
    }

    private static void closeAll(FileDescriptor[] fds) {
        if (fds == null) {
            return;
        }
        for (FileDescriptor fd : fds) {
            try {
                new FileInputStream(fd).close(); // closes the descriptor
            } catch (IOException ignored) {
                // Already closed.
            }
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Closing is best effort.
        }
    }

    /** Stops accepting, ends every switch connection and removes the socket file. Adopted connections stay with their processes. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        open.forEach(HandoffReceiver::closeQuietly);
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // The next node start removes it.
        }
    }
}
