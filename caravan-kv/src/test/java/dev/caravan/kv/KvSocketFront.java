package dev.caravan.kv;

import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ClientRef;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespReader;
import dev.caravan.wire.resp.RespWriter;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * A process behind a real RESP socket, for tests: any number of connections, each read on its
 * own virtual thread with its own {@link ClientRef} (a random session id, its addresses), and
 * every call into the process made on one "process" thread, one at a time, as the runtime's
 * process thread would. Replies are written as the runtime writes them: nothing for
 * {@link Reply.Suppressed}, the inner reply then close for {@link Reply.Closing}; a
 * {@link Reply.Blocked} command is run again every few milliseconds until it completes or its
 * deadline passes (then its timeout reply). A closed connection is reported with
 * {@link CaravanProcess#onClientClosed}. Not the node's endpoint; just the codec and the process.
 */
final class KvSocketFront implements AutoCloseable {
    /** Routes a process's {@code disconnectClient} (through {@link TestContext}) to the front serving it. */
    static final class Link implements LongConsumer {
        private volatile KvSocketFront front;

        @Override
        public void accept(long sessionId) {
            KvSocketFront f = front;
            if (f != null) {
                f.disconnect(sessionId);
            }
        }
    }

    private static final long BLOCKED_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(2);

    private final CaravanProcess process;
    private final ServerSocket server;
    private final ExecutorService processThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "kv-process"));
    private final Map<Long, Socket> connections = new ConcurrentHashMap<>();
    private final Thread acceptor;

    KvSocketFront(CaravanProcess process) throws IOException {
        this(process, new Link());
    }

    /** A front that {@code link} (given to the process's context) can ask to close connections. */
    KvSocketFront(CaravanProcess process, Link link) throws IOException {
        this.process = process;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        link.front = this;
        acceptor = Thread.ofVirtual().name("kv-front").start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().name("kv-conn").start(() -> serve(s));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.getLogger("kv-front").log(System.Logger.Level.WARNING, "accept failed", e);
                }
            }
        }
    }

    private void serve(Socket s) {
        long sessionId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        ClientRef client = new ClientRef(sessionId, address((InetSocketAddress) s.getRemoteSocketAddress()),
                address((InetSocketAddress) s.getLocalSocketAddress()));
        connections.put(sessionId, s);
        try (s) {
            s.setTcpNoDelay(true);
            BufferedInputStream buffered = new BufferedInputStream(s.getInputStream());
            RespReader in = new RespReader(buffered);
            RespWriter out = new RespWriter(s.getOutputStream());
            for (Command c = in.read(); c != null; c = in.read()) {
                Reply r = runBlocking(client, c);
                out.write(r);
                if (r instanceof Reply.Closing || buffered.available() == 0) {
                    out.flush();
                }
                if (r instanceof Reply.Closing) {
                    break;
                }
            }
        } catch (IOException e) {
            if (!server.isClosed() && connections.containsKey(sessionId)) {
                System.getLogger("kv-front").log(System.Logger.Level.DEBUG, "connection ended: " + e);
            }
        } finally {
            connections.remove(sessionId);
            try {
                onProcessThread(() -> {
                    process.onClientClosed(sessionId);
                    return null;
                });
            } catch (java.util.concurrent.RejectedExecutionException closedFront) {
                // the front is closing: the process is going away with every session
            }
        }
    }

    /** Runs {@code c}, again while it answers Blocked, as the runtime parks and retries it. */
    private Reply runBlocking(ClientRef client, Command c) {
        Reply r = onProcessThread(() -> process.onCommand(client, c));
        while (r instanceof Reply.Blocked b) {
            if (b.deadlineMs() != 0 && System.currentTimeMillis() >= b.deadlineMs()) {
                return b.timeoutReply();
            }
            LockSupport.parkNanos(BLOCKED_RETRY_NS);
            r = onProcessThread(() -> process.onCommand(client, c));
        }
        return r;
    }

    private <T> T onProcessThread(Callable<T> call) {
        try {
            return processThread.submit(call).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the process thread", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the process failed", e.getCause());
        }
    }

    /** Closes the connection of {@code sessionId} (the process's disconnectClient); any thread. */
    void disconnect(long sessionId) {
        Socket s = connections.remove(sessionId);
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a socket that is already failing: nothing more to do
            }
        }
    }

    private static String address(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Long id : connections.keySet()) {
            disconnect(id);
        }
        try {
            acceptor.join(5000);
            processThread.shutdown();
            processThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
