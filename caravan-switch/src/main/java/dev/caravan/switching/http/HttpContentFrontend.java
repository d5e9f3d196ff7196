package dev.caravan.switching.http;

import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.Frontend;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.SwitchContext;
import dev.caravan.switching.transport.SwitchEventLoops;
import dev.caravan.wire.ErrorCode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A content-aware HTTP/1.1 front end (mode CONTENT, protocol HTTP): every request is parsed,
 * routed by the first {@link dev.caravan.switching.Route} it matches (host, path prefix, header,
 * cookie), dispatched by that route's dispatcher (key from the route's affinity source) and streamed
 * over a pooled keep-alive backend connection of the client's event loop (bodies are not
 * aggregated); responses stream back in request order, so keep-alive and pipelining are preserved while requests of one connection go
 * to different backends. Details of retries and ordering: {@link HttpClientSession}; limits:
 * {@link HttpLimits}.
 *
 * <p>Answers the switch gives itself (one line of text/plain): {@code 400} malformed request,
 * {@code 414}/{@code 431}/{@code 413} over a limit (then the connection is closed; other
 * clients are unaffected; a {@code 413} waits for the responses to earlier pipelined requests); {@code 503} with {@code Retry-After: 1} when no route matches or no
 * backend is eligible, {@code 503} when the dispatch queue is full or timed out; {@code 502} when
 * the backend failed after a non-idempotent request was sent, or could not be reached three times;
 * {@code 504} when it sent no response head in time, {@code 408} (then close) for a request head
 * that did not arrive in time; idle keep-alive connections are closed ({@link HttpTimeouts}).
 * {@code X-Forwarded-For} and {@code Forwarded} (RFC 7239) are added to every request;
 * {@code Connection: close} from the client closes after its response, from a backend closes
 * only that backend connection.
 *
 * <p>Threading: runs on the shared {@link SwitchEventLoops}; {@link #close} may be called from
 * any thread.
 */
public final class HttpContentFrontend implements Frontend {
    private final FrontendSpec spec;
    private final SwitchEventLoops loops;
    private final HttpTimeouts timeouts;
    private final Dispatcher[] dispatchers;
    private final Channel serverChannel;
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final ConcurrentHashMap<EventLoop, BackendConnectionPool> pools = new ConcurrentHashMap<>();
    private final AtomicInteger clientConnections = new AtomicInteger();
    private final LongAdder dispatched = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A front end with the default {@link HttpTimeouts#DEFAULTS timeouts}; see the four-argument constructor. */
    public HttpContentFrontend(FrontendSpec spec, SwitchContext context, SwitchEventLoops loops) {
        this(spec, context, loops, HttpTimeouts.DEFAULTS);
    }

    /**
     * @param timeouts the backend response, client idle and request head timers of every connection
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for a spec that is not CONTENT over HTTP;
     *         UNAVAILABLE when the listen address cannot be bound
     */
    public HttpContentFrontend(FrontendSpec spec, SwitchContext context, SwitchEventLoops loops, HttpTimeouts timeouts) {
        if (spec.mode() != DispatchMode.CONTENT || spec.protocol() != FrontendProtocol.HTTP) {
            throw ErrorCode.INVALID_ARGUMENT.exception("front end " + spec.name() + " is " + spec.mode() + " over "
                    + spec.protocol() + ", not content-aware HTTP");
        }
        this.spec = spec;
        this.loops = loops;
        this.timeouts = timeouts;
        this.dispatchers = new Dispatcher[spec.routes().size()];
        for (int i = 0; i < dispatchers.length; i++) {
            dispatchers[i] = context.dispatcher(spec, spec.routes().get(i));
        }
        ServerBootstrap b = new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (closed.get()) {
                            ch.close();
                            return;
                        }
                        clients.add(ch);
                        HttpClientSession session = new HttpClientSession(HttpContentFrontend.this);
                        ch.pipeline().addLast(new ClientBytesTap(session),
                                new HttpServerCodec(HttpLimits.MAX_INITIAL_LINE_BYTES, HttpLimits.MAX_HEADER_BYTES,
                                        HttpLimits.MAX_CHUNK_BYTES),
                                session);
                    }
                });
        ChannelFuture bound = b.bind(spec.listen()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw dev.caravan.switching.BindFailure.of(spec.name(), spec.listen(), bound.cause());
        }
        this.serverChannel = bound.channel();
    }

    BackendConnectionPool poolFor(EventLoop loop) {
        BackendConnectionPool p = pools.get(loop);
        return p != null ? p : pools.computeIfAbsent(loop, l -> new BackendConnectionPool(l, loops.socketChannelClass()));
    }

    HttpTimeouts timeouts() {
        return timeouts;
    }

    Dispatcher dispatcher(int route) {
        return dispatchers[route];
    }

    void onClientOpened() {
        clientConnections.incrementAndGet();
    }

    void onClientClosed() {
        clientConnections.decrementAndGet();
    }

    void onDispatched() {
        dispatched.increment();
    }

    void onRefused() {
        refused.increment();
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

    /** Stops accepting, closes every client connection and every pooled backend connection. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            pools.values().forEach(BackendConnectionPool::closeAll);
        }
    }
}
