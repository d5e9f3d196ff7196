package dev.caravan.switching.dns;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.ErrorCode;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The DNS dispatcher's sockets: UDP and TCP on one port, answering with a {@link DnsResponder}.
 *
 * <p>Threading: one platform thread ({@code dns-udp}) receives, answers and sends every UDP
 * query in turn (answers come from a snapshot in memory, so a query never waits); one platform
 * thread ({@code dns-tcp-accept}) accepts TCP connections after taking a permit (at most
 * {@code maxTcpConnections} at once), and each connection runs on its own virtual thread, which
 * releases the permit on every path.
 *
 * <p>TCP (RFC 7766): each message has a 2-byte big-endian length prefix; several queries may
 * follow on one connection and are answered in order; a connection idle for
 * {@code tcpIdleTimeoutMs} is closed, and so is one whose message (from the first byte of its
 * length to its last byte) does not arrive whole within {@code tcpIdleTimeoutMs} of its first
 * byte — a whole-message deadline, not a per-read one, so a peer dribbling a byte at a time
 * holds its connection no longer than that — as is one that sends a message shorter than a
 * header or one the responder drops. UDP answers are rate limited per client ({@link ResponseRateLimiter});
 * a datagram longer than {@value #MAX_UDP_QUERY} bytes is cut by the receive buffer and so
 * answered FORMERR. A malformed query never stops serving.
 */
public final class DnsServer implements AutoCloseable {
    /** The largest UDP query read; longer datagrams are cut (and then fail to parse). */
    public static final int MAX_UDP_QUERY = 4096;
    private static final System.Logger LOG = System.getLogger(DnsServer.class.getName());

    private final DnsServerConfig config;
    private final DnsResponder responder;
    private final ResponseRateLimiter limiter;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Semaphore tcpPermits;
    private final AtomicLong udpAnswered = new AtomicLong();
    private final AtomicLong tcpAnswered = new AtomicLong();
    private final Thread udpThread;
    private final Thread acceptThread;
    private volatile boolean closed;

    private DnsServer(DnsServerConfig config, DnsResponder responder, ResponseRateLimiter limiter, DatagramSocket udp, ServerSocket tcp) {
        this.config = config;
        this.responder = responder;
        this.limiter = limiter;
        this.udp = udp;
        this.tcp = tcp;
        this.tcpPermits = new Semaphore(config.maxTcpConnections());
        this.udpThread = Thread.ofPlatform().name("dns-udp").daemon(true).unstarted(this::serveUdp);
        this.acceptThread = Thread.ofPlatform().name("dns-tcp-accept").daemon(true).unstarted(this::acceptTcp);
    }

    /**
     * Binds both sockets and starts serving.
     *
     * @param zone the current zone contents (for example {@link ZoneWatcher#current()})
     * @throws dev.caravan.wire.CaravanException UNAVAILABLE when the port is in use or the address cannot be bound
     */
    public static DnsServer start(DnsServerConfig config, Supplier<ZoneSnapshot> zone, Clock clock) {
        DnsResponder responder = new DnsResponder(zone, config.topology(), config.ttlSeconds(), config.listen().getAddress());
        ResponseRateLimiter limiter = new ResponseRateLimiter(clock, config.rateLimitPerSecond(), config.rateLimitBurst(), 2);
        // With port 0 the UDP port is picked first; TCP must get the same one, so try a few.
        for (int attempt = 0; ; attempt++) {
            DatagramSocket udp = bindUdp(config.listen());
            try {
                ServerSocket tcp = bindTcp(new InetSocketAddress(config.listen().getAddress(), udp.getLocalPort()));
                DnsServer server = new DnsServer(config, responder, limiter, udp, tcp);
                server.udpThread.start();
                server.acceptThread.start();
                return server;
            } catch (RuntimeException e) {
                udp.close();
                if (config.listen().getPort() != 0 || attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /** The port both protocols listen on. */
    public int port() {
        return udp.getLocalPort();
    }

    /** Answers sent over UDP and TCP so far (for the status line and tests). */
    public long answered() {
        return udpAnswered.get() + tcpAnswered.get();
    }

    private void serveUdp() {
        byte[] in = new byte[MAX_UDP_QUERY];
        DatagramPacket packet = new DatagramPacket(in, in.length);
        while (!closed) {
            try {
                packet.setLength(in.length);
                udp.receive(packet);
                ResponseRateLimiter.Verdict v = limiter.onAnswer(packet.getAddress());
                if (v == ResponseRateLimiter.Verdict.DROP) {
                    continue;
                }
                byte[] out = responder.respond(in, packet.getLength(), packet.getAddress(), false,
                        v == ResponseRateLimiter.Verdict.SLIP);
                if (out != null) {
                    udp.send(new DatagramPacket(out, out.length, packet.getSocketAddress()));
                    udpAnswered.incrementAndGet();
                }
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "dns: UDP: " + e.getMessage());
                }
            } catch (RuntimeException e) {
                // A bug answering one query must not stop the server: log it and go on.
                LOG.log(System.Logger.Level.ERROR, "dns: answering a UDP query failed", e);
            }
        }
    }

    private void acceptTcp() {
        while (!closed) {
            try {
                tcpPermits.acquire();
            } catch (InterruptedException e) {
                return;
            }
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                tcpPermits.release();
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "dns: TCP accept: " + e.getMessage());
                }
                continue;
            }
            try {
                Thread.ofVirtual().name("dns-tcp").start(() -> serveTcp(s));
            } catch (RuntimeException | Error e) {
                tcpPermits.release();
                closeQuietly(s);
                throw e;
            }
        }
    }

    private void serveTcp(Socket s) {
        try (s) {
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.tcpIdleTimeoutMs()));
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] query = new byte[DnsResponder.MAX_TCP_MESSAGE];
            byte[] prefix = new byte[2];
            while (!closed) {
                s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.tcpIdleTimeoutMs()));
                int first = in.read();
                if (first < 0) {
                    return;
                }
                long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.tcpIdleTimeoutMs());
                prefix[0] = (byte) first;
                readBefore(s, in, prefix, 1, 1, deadlineNs);
                int length = ((prefix[0] & 0xFF) << 8) | (prefix[1] & 0xFF);
                readBefore(s, in, query, 0, length, deadlineNs);
                byte[] answer = responder.respond(query, length, s.getInetAddress(), true, false);
                if (answer == null) {
                    return;
                }
                byte[] framed = new byte[2 + answer.length];
                framed[0] = (byte) (answer.length >>> 8);
                framed[1] = (byte) answer.length;
                System.arraycopy(answer, 0, framed, 2, answer.length);
                out.write(framed);
                out.flush();
                tcpAnswered.incrementAndGet();
            }
        } catch (EOFException | SocketTimeoutException | SocketException e) {
            // The client went away or stayed idle: the connection ends, serving goes on.
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "dns: TCP connection: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "dns: answering a TCP query failed", e);
        } finally {
            tcpPermits.release();
        }
    }

    /**
     * Reads exactly {@code length} bytes into {@code into} at {@code offset}, all of them before
     * {@code deadlineNs}.
     *
     * @throws SocketTimeoutException when the deadline passes first (logged: the message was dribbled)
     * @throws EOFException when the stream ends first
     */
    private void readBefore(Socket s, InputStream in, byte[] into, int offset, int length, long deadlineNs) throws IOException {
        int done = 0;
        while (done < length) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (leftMs <= 0) {
                LOG.log(System.Logger.Level.INFO, "dns: closing TCP " + s.getRemoteSocketAddress()
                        + ": a message was not complete within " + config.tcpIdleTimeoutMs() + " ms of its first byte");
                throw new SocketTimeoutException("message not complete in time");
            }
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMs));
            int n;
            try {
                n = in.read(into, offset + done, length - done);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (n < 0) {
                throw new EOFException("the peer closed mid-message");
            }
            done += n;
        }
    }

    private static DatagramSocket bindUdp(InetSocketAddress at) {
        try {
            return new DatagramSocket(at);
        } catch (BindException e) {
            throw inUse("UDP", at);
        } catch (SocketException e) {
            throw ErrorCode.UNAVAILABLE.exception("cannot listen for DNS on UDP " + at.getHostString() + ":" + at.getPort()
                    + ": " + e.getMessage());
        }
    }

    private static ServerSocket bindTcp(InetSocketAddress at) {
        try {
            ServerSocket s = new ServerSocket();
            try {
                s.setReuseAddress(true);
                s.bind(at, 128);
                return s;
            } catch (IOException e) {
                s.close();
                throw e;
            }
        } catch (BindException e) {
            throw inUse("TCP", at);
        } catch (IOException e) {
            throw ErrorCode.UNAVAILABLE.exception("cannot listen for DNS on TCP " + at.getHostString() + ":" + at.getPort()
                    + ": " + e.getMessage());
        }
    }

    private static RuntimeException inUse(String protocol, InetSocketAddress at) {
        return ErrorCode.UNAVAILABLE.exception(protocol + " port " + at.getPort() + " on " + at.getHostString()
                + " is in use; choose another with --port");
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Already failing; nothing more to do.
        }
    }

    /**
     * Stops both sockets. An open TCP connection is not cut: it ends after its next answer or
     * at its idle timeout, whichever comes first. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "dns: closing TCP: " + e.getMessage());
        }
        acceptThread.interrupt();
    }
}
