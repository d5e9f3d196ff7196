package dev.caravan.servers.model;

import dev.caravan.servers.protocol.Protocol;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One event loop: a thread, a {@link Selector}, and a queue of commands other threads post to
 * it (Netty's rule: a channel belongs to one loop; calls from elsewhere are handed to it).
 * Optionally owns the listener and hands accepted channels to {@code onAccept}.
 *
 * <p>Threading: {@link #execute} and {@link #register} are thread-safe; everything else runs on
 * the loop thread. A loop thread that dies from a bug logs loudly and closes its connections.
 */
final class SelectorLoop implements Executor {
    private static final System.Logger LOG = System.getLogger(SelectorLoop.class.getName());

    private final Selector selector;
    private final Protocol<?, ?> protocol;
    private final Executor offload;
    private final ConnectionTracker tracker;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Thread thread;
    private ServerSocketChannel listener;
    private Consumer<SocketChannel> onAccept;
    private volatile boolean running = true;

    SelectorLoop(String name, Protocol<?, ?> protocol, Executor offload, ConnectionTracker tracker) throws IOException {
        this.selector = Selector.open();
        this.protocol = protocol;
        this.offload = offload;
        this.tracker = tracker;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
    }

    /** Makes this loop accept on {@code ch} (before {@link #start()}). */
    void listen(ServerSocketChannel ch, Consumer<SocketChannel> acceptedTo) throws IOException {
        listener = ch;
        onAccept = acceptedTo;
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_ACCEPT);
    }

    void start() {
        thread.start();
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Hands a connected channel to this loop. */
    void register(SocketChannel ch) {
        execute(() -> onRegister(ch));
    }

    private void onRegister(SocketChannel ch) {
        try {
            ch.configureBlocking(false);
            ch.socket().setTcpNoDelay(true);
            LoopConnection<?, ?> conn = newConnection(ch, protocol);
            conn.attach(ch.register(selector, SelectionKey.OP_READ, conn));
        } catch (IOException e) {
            tracker.remove(ch);
        }
    }

    private <Q, R> LoopConnection<Q, R> newConnection(SocketChannel ch, Protocol<Q, R> p) {
        return new LoopConnection<>(this, ch, p, offload, tracker);
    }

    private void run() {
        try {
            while (running) {
                // The action form of select hands each ready key straight to onSelected: no
                // selected-key HashSet to fill, iterate and clear on every wake-up (Netty swaps
                // that set for an array by reflection for the same reason).
                if (tasks.isEmpty()) {
                    selector.select(this::onSelected);
                } else {
                    selector.selectNow(this::onSelected);
                }
                wakeupPending.set(false);
                runTasks();
            }
        } catch (ClosedSelectorException e) {
            // closed by close()
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, thread.getName() + " died; its connections are closed", e);
        } finally {
            for (SelectionKey k : selector.keys()) {
                if (k.attachment() instanceof LoopConnection<?, ?> c) {
                    c.closeAtLoopEnd();
                } else {
                    ConnectionTracker.closeQuietly(k.channel());
                }
            }
            ConnectionTracker.closeQuietly(selector);
        }
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
        LoopConnection<?, ?> c = (LoopConnection<?, ?>) k.attachment();
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
                    onAccept.accept(ch);
                }
            }
        } catch (IOException e) {
            Listeners.acceptFailed(this, e, !running);
        }
    }

    void close() {
        running = false;
        selector.wakeup();
        if (thread.isAlive()) {
            Listeners.join(thread);
        }
    }
}
