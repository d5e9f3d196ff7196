package dev.caravan.node;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.RespReader;
import dev.caravan.wire.resp.RespWriter;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A process's stable endpoint (its "home address"): a RESP port on the node where the process
 * was first deployed, which stays put while the process moves. Each client connection gets a
 * backend connection to wherever the process runs now (its "care-of address", looked up in
 * naming). A batch answered {@code -MOVED} was not executed there, so it is sent again to the
 * new location; clients such as redis-cli and redis-benchmark keep their TCP connection across
 * a migration and see only a pause.
 *
 * <p>Threading: one platform thread accepts; one virtual thread per client connection.
 */
final class FrontEndpoint implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FrontEndpoint.class.getName());
    private static final int MAX_BATCH = 1024;
    private static final long RELOCATE_DEADLINE_MS = 30_000;

    /** Where the process runs now, or null if it is not registered. */
    interface Locator {
        InetSocketAddress current();
    }

    private final String processName;
    private final Locator locator;
    private final Supplier<Long> nanoClock;
    private final ServerSocket serverSocket;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    FrontEndpoint(String processName, Locator locator, String bindHost, Supplier<Long> nanoClock) throws IOException {
        this.processName = processName;
        this.locator = locator;
        this.nanoClock = nanoClock;
        serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(bindHost, 0), 1024);
        Thread.ofPlatform().daemon(true).name("front-" + processName + "-accept").start(this::acceptLoop);
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = serverSocket.accept();
                connections.add(s);
                Thread.ofVirtual().name("front-" + processName).start(() -> serve(s));
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "front of " + processName + ": accept failed: " + e);
                }
            }
        }
    }

    private void serve(Socket client) {
        RespForwarder backend = null;
        try (client) {
            client.setTcpNoDelay(true);
            RespReader reader = new RespReader(client.getInputStream(), RespLimits.DEFAULTS);
            RespWriter writer = new RespWriter(new BufferedOutputStream(client.getOutputStream(), 64 * 1024));
            List<Command> batch = new ArrayList<>();
            while (!closed) {
                batch.clear();
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
                    writer.write(Reply.error("ERR " + e.getMessage()));
                    writer.flush();
                    return;
                }
                Command[] commands = batch.toArray(Command[]::new);
                Reply[] replies;
                long start = nanoClock.get();
                while (true) {
                    if (backend == null) {
                        backend = connect(start);
                        if (backend == null) {
                            replies = fill(commands.length, Reply.error("TRYAGAIN process " + processName
                                    + " cannot be reached right now"));
                            break;
                        }
                    }
                    try {
                        replies = backend.forward(commands);
                    } catch (IOException e) {
                        // Sent but unanswered: it may have run, so it is not sent again.
                        backend.close();
                        backend = null;
                        replies = fill(commands.length, Reply.error("ERR connection to process " + processName
                                + " lost mid-request; it may or may not have run"));
                        break;
                    }
                    if (isMoved(replies[0]) && nanoClock.get() - start < RELOCATE_DEADLINE_MS * 1_000_000L) {
                        backend.close();
                        backend = null;
                        continue;
                    }
                    break;
                }
                for (Reply r : replies) {
                    writer.write(r);
                }
                writer.flush();
                if (commands.length == 1 && commands[0].name().equals("QUIT")) {
                    return;
                }
            }
        } catch (EOFException | SocketException e) {
            // Client left.
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "front connection of " + processName + " failed: " + e);
        } finally {
            if (backend != null) {
                backend.close();
            }
            connections.remove(client);
        }
    }

    /** Connects to the current location, waiting out a switch-over; null after the deadline. */
    private RespForwarder connect(long start) {
        long pauseMs = 1;
        while (nanoClock.get() - start < RELOCATE_DEADLINE_MS * 1_000_000L && !closed) {
            InetSocketAddress at;
            try {
                at = locator.current();
            } catch (CaravanException e) {
                at = null;
            }
            if (at != null) {
                try {
                    return new RespForwarder(at);
                } catch (ConnectException e) {
                    // Old location closed its port: look again.
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "front of " + processName + " cannot reach " + at + ": " + e);
                }
            }
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            pauseMs = Math.min(100, pauseMs * 2);
        }
        return null;
    }

    private static boolean isMoved(Reply r) {
        return r instanceof Reply.Error e && (e.text().startsWith("MOVED ") || e.text().startsWith("TRYAGAIN "));
    }

    private static Reply[] fill(int n, Reply r) {
        Reply[] replies = new Reply[n];
        java.util.Arrays.fill(replies, r);
        return replies;
    }

    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // Listener gone either way.
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Best effort.
            }
        }
    }
}
