package dev.caravan.switching.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * The switch's data-plane threads: one Netty event loop group shared by every front end, epoll
 * when the native transport loads (Linux), NIO otherwise. Front ends accept and serve on it; a
 * front end's backend connections are registered on the loop of the client connection they
 * serve, so no data crosses threads.
 *
 * <p>Connections that carry a half-close (a FIN one way while bytes still flow the other) run on
 * {@link #nioGroup()} instead: in Netty 4.2.13 an epoll channel whose input has been shut down
 * ends up with no epoll interest once its writes drain, the registration then deletes the fd from
 * the epoll set but still believes it added, and the next write that fills the socket buffer
 * fails ({@code epoll_ctl(MOD)}: ENOENT), which shuts the output down and drops every byte still
 * queued (reproduced: a slow client lost MiBs after its own FIN). NIO has no such state.
 *
 * <p>Ownership: the switch creates one and closes it after its front ends; front ends never
 * close it. Threading: thread-safe.
 */
public final class SwitchEventLoops implements AutoCloseable {
    private final int threads;
    private final EventLoopGroup group;
    private final boolean epoll;
    private EventLoopGroup nioGroup;
    private boolean closed;

    /**
     * @param threads   event loop threads (≥ 1; the switch uses the number of cores)
     * @param wantEpoll use epoll when available (false forces NIO, for tests of the portable path)
     */
    public SwitchEventLoops(int threads, boolean wantEpoll) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be ≥ 1, was " + threads);
        }
        this.threads = threads;
        this.epoll = wantEpoll && Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("switch-io", true), io);
    }

    /** One loop per core, epoll when available. */
    public static SwitchEventLoops forCores() {
        return new SwitchEventLoops(Runtime.getRuntime().availableProcessors(), true);
    }

    public EventLoopGroup group() {
        return group;
    }

    /**
     * Loops for {@link NioSocketChannel}s: {@link #group()} itself when it is NIO, otherwise a
     * second group of as many threads, started on first use (see the class comment for why
     * half-closing connections need it).
     *
     * @throws IllegalStateException after {@link #close}
     */
    public synchronized EventLoopGroup nioGroup() {
        if (!epoll) {
            return group;
        }
        if (closed) {
            throw new IllegalStateException("event loops are closed");
        }
        if (nioGroup == null) {
            nioGroup = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("switch-nio", true),
                    NioIoHandler.newFactory());
        }
        return nioGroup;
    }

    /** Whether the loops run the native epoll transport (splice is possible). */
    public boolean epoll() {
        return epoll;
    }

    public Class<? extends ServerChannel> serverChannelClass() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends Channel> socketChannelClass() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** Stops the loops (quiet period 0) and waits up to 5 s for them to end. */
    @Override
    public void close() {
        EventLoopGroup nio;
        synchronized (this) {
            closed = true;
            nio = nioGroup;
        }
        if (nio != null) {
            nio.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (nio != null) {
            nio.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
