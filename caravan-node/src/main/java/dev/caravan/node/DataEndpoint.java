package dev.caravan.node;

import dev.caravan.core.process.ProcessRunner;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.RespReader;
import dev.caravan.wire.resp.RespWriter;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * A process's data endpoint: a RESP2 port (what redis-cli and redis-benchmark speak). One
 * platform thread accepts; one virtual thread per connection reads commands, gathers the
 * ones a client pipelined into one batch, posts the batch to the process's mailbox, and
 * writes the replies in order. The connection thread never touches process state.
 *
 * <p>Bad input: a protocol error is answered with Redis's {@code -ERR Protocol error: ...}
 * and that connection is closed; other connections are untouched. While the node does not
 * own the process (lease lost) every command is answered with {@code -TRYAGAIN}.
 */
final class DataEndpoint implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DataEndpoint.class.getName());
    /** Most pipelined commands handed to the process as one batch. */
    private static final int MAX_BATCH = 1024;
    private static final byte[] QUIT = "QUIT".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final String processName;
    private final ProcessRunner runner;
    private final BooleanSupplier owned;
    private final ServerSocket serverSocket;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile String movedTo;

    DataEndpoint(String processName, ProcessRunner runner, BooleanSupplier owned, String bindHost) throws IOException {
        this.processName = processName;
        this.runner = runner;
        this.owned = owned;
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(bindHost, 0), 1024);
        Thread.ofPlatform().daemon(true).name("data-" + processName + "-accept").start(this::acceptLoop);
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = serverSocket.accept();
                connections.add(s);
                Thread.ofVirtual().name("data-" + processName).start(() -> serve(s));
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "data endpoint of " + processName + ": accept failed: " + e);
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            RespReader reader = new RespReader(socket.getInputStream(), RespLimits.DEFAULTS);
            RespWriter writer = new RespWriter(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
            List<Command> batch = new ArrayList<>();
            while (!closed) {
                batch.clear();
                boolean quit;
                try {
                    Command first = reader.read();
                    if (first == null) {
                        return;
                    }
                    batch.add(first);
                    while (batch.size() < MAX_BATCH && reader.hasBufferedInput()) {
                        Command next = reader.read();
                        if (next == null) {
                            break;
                        }
                        batch.add(next);
                    }
                } catch (CaravanException e) {
                    // Answer the commands read before the bad one, then the error, then close.
                    if (!batch.isEmpty()) {
                        writeAll(writer, execute(batch));
                    }
                    writer.write(Reply.error("ERR " + e.getMessage()));
                    writer.flush();
                    return;
                }
                quit = isQuit(batch.get(batch.size() - 1));
                writeAll(writer, execute(batch));
                writer.flush();
                if (quit) {
                    return;
                }
            }
        } catch (EOFException | SocketException e) {
            // Client went away; nothing to answer.
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "data connection of " + processName + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.remove(socket);
        }
    }

    private static boolean isQuit(Command c) {
        return c.size() == 1 && java.util.Arrays.equals(c.name().getBytes(java.nio.charset.StandardCharsets.US_ASCII), QUIT);
    }

    /**
     * From now on every command is answered {@code -MOVED <epoch> <host:port>}: the process lives
     * there now (a front endpoint or a cluster-aware client resends; nothing was executed here).
     */
    void movedTo(long epoch, String hostPort) {
        movedTo = epoch + " " + hostPort;
    }

    private Reply[] execute(List<Command> batch) throws InterruptedException {
        Reply[] replies;
        String moved = movedTo;
        if (moved != null) {
            return fill(batch.size(), Reply.error("MOVED " + moved));
        }
        if (runner.state() == dev.caravan.core.process.ProcessState.FAILED) {
            return fill(batch.size(), Reply.error("ERR process " + processName + " has failed on this node"
                    + " (for example it lost pages with its migration source); restore it from a checkpoint"));
        }
        if (!owned.getAsBoolean()) {
            replies = new Reply[batch.size()];
            java.util.Arrays.fill(replies, Reply.error("TRYAGAIN this node does not own process " + processName
                    + " right now; look it up again"));
            return replies;
        }
        CompletableFuture<Reply[]> done = new CompletableFuture<>();
        try {
            runner.submit(batch.toArray(Command[]::new), done::complete);
        } catch (CaravanException e) {
            moved = movedTo;
            return fill(batch.size(), Reply.error(moved != null ? "MOVED " + moved : "TRYAGAIN " + e.getMessage()));
        }
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("batch completion failed", e.getCause());
        }
    }

    private static Reply[] fill(int n, Reply r) {
        Reply[] replies = new Reply[n];
        java.util.Arrays.fill(replies, r);
        return replies;
    }

    private static void writeAll(RespWriter w, Reply[] replies) throws IOException {
        for (Reply r : replies) {
            w.write(r);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // The listener is gone either way.
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Best effort: the peer sees the connection end.
            }
        }
    }
}
