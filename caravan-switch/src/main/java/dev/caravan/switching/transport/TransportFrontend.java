package dev.caravan.switching.transport;

import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.Frontend;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.SwitchContext;
import dev.caravan.wire.ErrorCode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A transport-level front end (mode TRANSPORT; TCP, HTTP or RESP alike — bytes are never parsed):
 * each accepted client connection is dispatched once, by client address, to one backend, and
 * bytes are relayed both ways until both sides are done.
 *
 * <pre>
 *   client ──accept──▶ Dispatcher.dispatch(client addr) ──ticket──▶ connect(backend)
 *      ▲                                                              │
 *      └──────────── splice(2) / copy, both ways, half-close kept ◀───┘
 * </pre>
 *
 * <p>Bytes are copied through pooled buffers with backpressure and one flush per read batch
 * ({@link RelayMode#COPY}); kernel splicing ({@link RelayMode#SPLICE}, epoll only) is opt-in
 * because Netty 4.2's splice loses data at a half-close under backpressure. Reading from the client starts only
 * once the backend is connected. A backend that cannot be reached is reported
 * ({@code ticket.onFailure}) and one other dispatch is tried before the client is closed (no byte
 * was sent yet, so this is safe). See {@link TransportSession} for closing rules.
 *
 * <p>Threading: a connection and its backend connection live on one event loop of the shared
 * {@link SwitchEventLoops} — its NIO loops in {@link RelayMode#COPY} (see that class for the epoll
 * half-close defect this avoids), its epoll loops for splice; {@link #close} may be called from any thread.
 */
public final class TransportFrontend implements Frontend {
    private final FrontendSpec spec;
    private final Dispatcher dispatcher;
    private final SwitchEventLoops loops;
    private final RelayMode relayMode;
    private final Class<? extends Channel> socketClass;
    private final Channel serverChannel;
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger clientConnections = new AtomicInteger();
    private final LongAdder dispatched = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Copies through pooled buffers ({@link RelayMode#COPY}; see {@link RelayMode#SPLICE} for why splice is opt-in). */
    public TransportFrontend(FrontendSpec spec, SwitchContext context, SwitchEventLoops loops) {
        this(spec, context, loops, RelayMode.COPY);
    }

    /**
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for a spec that is not TRANSPORT or asks
     *         SPLICE without epoll; UNAVAILABLE when the listen address cannot be bound
     */
    public TransportFrontend(FrontendSpec spec, SwitchContext context, SwitchEventLoops loops, RelayMode relayMode) {
        if (spec.mode() != DispatchMode.TRANSPORT) {
            throw ErrorCode.INVALID_ARGUMENT.exception("front end " + spec.name() + " is " + spec.mode() + ", not transport");
        }
        if (relayMode == RelayMode.SPLICE && !loops.epoll()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("splice needs the epoll transport; use copy");
        }
        this.spec = spec;
        this.loops = loops;
        this.relayMode = relayMode;
        this.dispatcher = context.dispatcher(spec, spec.routes().getFirst());
        // COPY carries half-closes, which Netty 4.2.13's epoll loses data on (see SwitchEventLoops).
        boolean splice = relayMode == RelayMode.SPLICE;
        this.socketClass = splice ? loops.socketChannelClass() : NioSocketChannel.class;
        ServerBootstrap b = new ServerBootstrap()
                .group(splice ? loops.group() : loops.nioGroup())
                .channel(splice ? loops.serverChannelClass() : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        onAccepted(ch);
                    }
                });
        if (relayMode == RelayMode.SPLICE) {
            Splicing.levelTriggered(b);
        }
        ChannelFuture bound = b.bind(spec.listen()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw dev.caravan.switching.BindFailure.of(spec.name(), spec.listen(), bound.cause());
        }
        this.serverChannel = bound.channel();
    }

    private void onAccepted(Channel client) {
        if (closed.get()) {
            client.close();
            return;
        }
        clients.add(client);
        clientConnections.incrementAndGet();
        client.closeFuture().addListener(f -> clientConnections.decrementAndGet());
        new TransportSession(client, dispatcher, socketClass, relayMode, dispatched, refused).start();
    }

    public RelayMode relayMode() {
        return relayMode;
    }

    @Override
    public FrontendSpec spec() {
        return spec;
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public int clientConnections() {
        return clientConnections.get();
    }

    @Override
    public long dispatched() {
        return dispatched.sum();
    }

    @Override
    public long refused() {
        return refused.sum();
    }

    /** Stops accepting and closes every client connection (their backend connections follow). */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
