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
 * <p>Ownership: the switch creates one and closes it after its front ends; front ends never
 * close it. Threading: thread-safe.
 */
public final class SwitchEventLoops implements AutoCloseable {
    private final EventLoopGroup group;
    private final boolean epoll;

    /**
     * @param threads   event loop threads (≥ 1; the switch uses the number of cores)
     * @param wantEpoll use epoll when available (false forces NIO, for tests of the portable path)
     */
    public SwitchEventLoops(int threads, boolean wantEpoll) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be ≥ 1, was " + threads);
        }
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
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
