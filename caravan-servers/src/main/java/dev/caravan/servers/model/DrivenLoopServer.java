package dev.caravan.servers.model;

import dev.caravan.core.process.IoAgent;
import dev.caravan.servers.protocol.Protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link ServerModel#PROCESS_THREAD}: one event loop (a selector, the listener, every
 * connection as a {@link DrivenConnection} state machine) with no thread of its own while its
 * owner lends one: the owner's thread calls {@link #doWork} whenever it has nothing else to do,
 * as redis-server's one thread serves its clients between its own jobs. On a node the owner is
 * a process's {@link dev.caravan.core.process.ProcessRunner}: its thread reads a client's
 * batch, executes it and writes the replies, with no hand-off between an I/O thread and the
 * process thread. When the owner's thread leaves ({@link #onProcessThreadExit}), or when the
 * server was started without an owner ({@link ServerModel#start}), a platform thread of its own
 * drives the same loop.
 *
 * <p>Threading: whichever thread drives the loop (one at a time, handed over by thread start)
 * owns the selector and every connection; {@link #execute}, {@link #wakeup}, {@link #adopt} and
 * {@link #close} may be called from any thread. Batches the protocol answers later
 * ({@link dev.caravan.servers.protocol.AsyncProtocol}) come back through {@link #execute}.
 */
public final class DrivenLoopServer implements Server, IoAgent, Executor {
    private static final System.Logger LOG = System.getLogger(DrivenLoopServer.class.getName());
    private static final long CLOSED_PARK_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Protocol<?, ?> protocol;
    private final String name;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final ConnectionTracker tracker;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private volatile Thread driver;
    private Thread ownThread;
    private volatile boolean closed;
    /** Set by the driving thread once it closed every connection after {@link #close}. */
    private boolean connectionsClosed;

    private DrivenLoopServer(Protocol<?, ?> protocol, ServerOptions options) throws IOException {
        this.protocol = protocol;
        this.name = options.name();
        this.tracker = new ConnectionTracker(options.maxConnections());
        this.selector = Selector.open();
        ServerSocketChannel ch = null;
        try {
            ch = Listeners.open(options);
            if (ch != null) {
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_ACCEPT);
            }
        } catch (IOException | RuntimeException e) {
            ConnectionTracker.closeQuietly(ch);
            ConnectionTracker.closeQuietly(selector);
            throw e;
        }
        this.listener = ch;
    }

    /**
     * A server bound and ready, driven by nobody yet: its owner lends it a thread through
     * {@link #doWork} (e.g. {@link dev.caravan.core.process.ProcessRunner#attach}); connections
     * wait in the listen backlog until then.
     *
     * @throws IOException when the port cannot be bound
     */
    public static DrivenLoopServer forOwner(Protocol<?, ?> protocol, ServerOptions options) throws IOException {
        return new DrivenLoopServer(protocol, options);
    }

    /** A server driven by a thread of its own from the start (the model started without an owner). */
    static DrivenLoopServer withOwnThread(Protocol<?, ?> protocol, ServerOptions options) throws IOException {
        DrivenLoopServer s = new DrivenLoopServer(protocol, options);
        s.startOwnThread();
        return s;
    }

    @Override
    public void doWork(long maxWaitMs) {
        driver = Thread.currentThread();
        if (closed) {
            closeConnections();
            if (maxWaitMs > 0) {
                LockSupport.parkNanos(this, Math.min(CLOSED_PARK_NS, TimeUnit.MILLISECONDS.toNanos(Math.min(maxWaitMs, 1_000))));
            }
            return;
        }
        try {
            runTasks();
            if (maxWaitMs <= 0 || !tasks.isEmpty()) {
                selector.selectNow(this::onSelected);
            } else if (maxWaitMs == Long.MAX_VALUE) {
                selector.select(this::onSelected);
            } else {
                selector.select(this::onSelected, maxWaitMs);
            }
            wakeupPending.set(false);
            runTasks();
        } catch (ClosedSelectorException e) {
            closeConnections();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, name + ": selector failed; its connections are closed", e);
            close();
        }
    }

    @Override
    public void wakeup() {
        if (closed) {
            Thread d = driver;
            if (d != null) {
                LockSupport.unpark(d);
            }
            return;
        }
        if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    @Override
    public synchronized void onProcessThreadExit() {
        if (closed) {
            // Still the driving thread: nobody else will close the connections.
            closeConnections();
            driver = null;
            return;
        }
        driver = null;
        startOwnThread();
    }

    private synchronized void startOwnThread() {
        ownThread = Thread.ofPlatform().name(name + "-loop").daemon(true).start(() -> {
            driver = Thread.currentThread();
            while (!closed) {
                doWork(Long.MAX_VALUE);
            }
            closeConnections();
        });
    }

    /**
     * Once the server is closed, on the thread driving it: every connection ends and its codec
     * hears of it (a node's process is told that those clients are gone).
     */
    private void closeConnections() {
        if (connectionsClosed) {
            return;
        }
        connectionsClosed = true;
        try {
            for (SelectionKey k : selector.keys()) {
                if (k.attachment() instanceof DrivenConnection<?, ?> c) {
                    c.close(null);
                }
            }
        } catch (ClosedSelectorException e) {
            // Closed meanwhile: the channels are closed all the same.
        }
        tracker.closeAll();
        ConnectionTracker.closeQuietly(selector);
    }

    /** Runs {@code task} on the thread that drives the loop, at its next round. */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != driver) {
            wakeup();
        }
    }

    /** Whether the calling thread drives the loop now (owns the connections). */
    boolean inLoop() {
        return Thread.currentThread() == driver;
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    private void onSelected(SelectionKey k) {
        if (!k.isValid()) {
            return;
        }
        if (k.isAcceptable()) {
            onAcceptable();
            return;
        }
        DrivenConnection<?, ?> c = (DrivenConnection<?, ?>) k.attachment();
        if (k.isReadable()) {
            c.onReadable();
        } else if (k.isWritable()) {
            c.onWritable();
        }
    }

    private void onAcceptable() {
        try {
            SocketChannel ch;
            while ((ch = listener.accept()) != null) {
                if (tracker.add(ch)) {
                    onRegister(ch);
                }
            }
        } catch (IOException e) {
            Listeners.acceptFailed(this, e, closed);
        }
    }

    private void onRegister(SocketChannel ch) {
        onRegister(ch, null);
    }

    /** Registers a connection; with bytes already read, serves them at once (no readiness event will come for them). */
    private void onRegister(SocketChannel ch, ByteBuffer alreadyRead) {
        DrivenConnection<?, ?> conn;
        try {
            ch.configureBlocking(false);
            ch.socket().setTcpNoDelay(true);
            conn = newConnection(ch, protocol);
            conn.attach(ch.register(selector, SelectionKey.OP_READ, conn));
        } catch (IOException e) {
            tracker.remove(ch);
            return;
        }
        if (alreadyRead != null) {
            conn.onAlreadyRead(alreadyRead);
        }
    }

    private <Q, R> DrivenConnection<Q, R> newConnection(SocketChannel ch, Protocol<Q, R> p) {
        return new DrivenConnection<>(this, ch, p, tracker);
    }

    @Override
    public ServerModel model() {
        return ServerModel.PROCESS_THREAD;
    }

    @Override
    public InetSocketAddress address() {
        return Listeners.address(listener);
    }

    @Override
    public void adopt(SocketChannel connection) {
        if (tracker.add(connection)) {
            execute(() -> onRegister(connection));
        }
    }

    /** The bytes already read are served on the loop's thread before anything read from the channel. */
    @Override
    public void adopt(SocketChannel connection, ByteBuffer alreadyRead) {
        ByteBuffer copy = ByteBuffer.allocate(alreadyRead.remaining()).put(alreadyRead.duplicate()).flip();
        if (!tracker.add(connection)) {
            throw Server.atConnectionLimit(name);
        }
        execute(() -> onRegister(connection, copy));
    }

    @Override
    public int activeConnections() {
        return tracker.size();
    }

    /**
     * Stops accepting and closes every connection; joins the loop's own thread if it has one. A
     * lending owner may go on calling {@link #doWork}, which then only waits for its wake-up.
     */
    @Override
    public void refuseAtConnectionLimit(byte[] reply, Runnable onRefused) {
        tracker.refuseWith(reply, onRefused);
    }

    @Override
    public void shareConnectionLimit(ConnectionGate gate) {
        tracker.gate(gate);
    }

    @Override
    public void close() {
        Thread own;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            own = ownThread;
        }
        ConnectionTracker.closeQuietly(listener);
        selector.wakeup();
        if (own != null && own != Thread.currentThread()) {
            Listeners.join(own);
        }
        if (own == null && driver == null) {
            // Never driven: no other thread touches the connections.
            closeConnections();
        }
        tracker.closeAll();
    }
}
