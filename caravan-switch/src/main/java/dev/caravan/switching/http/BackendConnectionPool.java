package dev.caravan.switching.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Keep-alive connections to backends, for the client connections of one event loop: a request
 * is sent on a connection of the loop it was read on, so neither side crosses threads. A
 * connection is pooled only after a complete response that kept it alive (and a complete request), and leaves the pool
 * as soon as the backend closes it (it is watched while idle), so a request is not written to a
 * connection known to be dead. Most recently used first (warm connections).
 *
 * <p>Threading: confined to {@link #loop}, except {@link #closeAll} (posted to it).
 */
final class BackendConnectionPool {
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Map<InetSocketAddress, ArrayDeque<Channel>> idle = new HashMap<>();

    BackendConnectionPool(EventLoop loop, Class<? extends Channel> socketClass) {
        this.loop = loop;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(socketClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, dev.caravan.switching.transport.ConnectionLimits.CONNECT_TIMEOUT_MS)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(HttpLimits.MAX_INITIAL_LINE_BYTES, HttpLimits.MAX_HEADER_BYTES,
                                        HttpLimits.MAX_CHUNK_BYTES),
                                new BackendHandler(BackendConnectionPool.this));
                    }
                });
    }

    /** An idle connection to {@code address}, or a new one being connected. */
    ChannelFuture acquire(InetSocketAddress address) {
        ArrayDeque<Channel> q = idle.get(address);
        if (q != null) {
            Channel ch;
            while ((ch = q.pollFirst()) != null) {
                if (ch.isActive()) {
                    return ch.newSucceededFuture();
                }
            }
        }
        return bootstrap.connect(address);
    }

    /** Takes back a connection whose last response kept it alive. */
    void release(Channel ch) {
        if (!ch.isActive()) {
            return;
        }
        ch.config().setAutoRead(true); // watch it while idle (it may have been paused for a slow client)
        ArrayDeque<Channel> q = idle.computeIfAbsent((InetSocketAddress) ch.remoteAddress(), a -> new ArrayDeque<>());
        if (q.size() >= HttpLimits.MAX_IDLE_PER_BACKEND) {
            ch.close();
        } else {
            q.offerFirst(ch);
        }
    }

    /** An idle connection closed (by the backend): forget it. */
    void onIdleClosed(Channel ch) {
        ArrayDeque<Channel> q = ch.remoteAddress() == null ? null : idle.get((InetSocketAddress) ch.remoteAddress());
        if (q != null) {
            q.remove(ch);
        }
    }

    void closeAll() {
        loop.execute(() -> {
            idle.values().forEach(q -> q.forEach(Channel::close));
            idle.clear();
        });
    }
}
