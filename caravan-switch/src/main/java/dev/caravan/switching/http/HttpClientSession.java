package dev.caravan.switching.http;

import dev.caravan.switching.Dispatcher.Ticket;
import dev.caravan.switching.Route;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One client connection of an {@link HttpContentFrontend}: routes each request on its own,
 * sends it on a pooled backend connection of this event loop, and writes the responses back in
 * request order (a reorder queue: a fast backend's answer to request 2 waits for a slow one's
 * answer to request 1).
 *
 * <pre>
 *  request ─▶ route ─▶ dispatch ─▶ pooled connection ─▶ backend
 *                                     │ fails before written → another dispatch (≤ 3)
 *                                     │ fails after written → idempotent: once more; else 502
 *                                     │ 421 + Caravan-Moved: epoch host:port → resend there (≤ 3)
 *  client ◀─ reorder queue (head first) ◀─ response
 * </pre>
 *
 * <p>Threading: everything runs on the client channel's event loop; dispatch futures that
 * complete elsewhere are handed back to it.
 */
final class HttpClientSession extends ChannelInboundHandlerAdapter {
    private static final String MOVED_HEADER = "Caravan-Moved";

    private final HttpContentFrontend frontend;
    private final ArrayDeque<HttpExchange> inOrder = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private BackendConnectionPool pool;
    private InetAddress clientAddress;
    private String forwardedFor;
    /** No further requests are read: the last one asked to close, or input was malformed. */
    private boolean closing;
    private boolean needsFlush;

    HttpClientSession(HttpContentFrontend frontend) {
        this.frontend = frontend;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.pool = frontend.poolFor(ctx.channel().eventLoop());
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        this.clientAddress = remote.getAddress();
        String ip = clientAddress.getHostAddress();
        this.forwardedFor = clientAddress instanceof java.net.Inet6Address ? "\"[" + ip + "]\"" : ip;
        frontend.onClientOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing || !(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            request.release();
            closing = true;
            ctx.channel().config().setAutoRead(false);
            HttpResponseStatus status = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            answerLocally(status, "request rejected (" + status.reasonPhrase() + "): send well-formed HTTP/1.1 within the switch's limits");
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            closing = true;
        }
        int r = RouteMatcher.firstMatch(frontend.spec().routes(), request);
        if (r < 0) {
            HttpExchange ex = new HttpExchange(request, null, null, keepAlive);
            inOrder.add(ex);
            frontend.onRefused();
            complete(ex, ErrorResponses.unavailable("no route of front end " + frontend.spec().name() + " matches this request"));
            flushResponses();
            return;
        }
        Route route = frontend.spec().routes().get(r);
        prepareForBackend(request);
        HttpExchange ex = new HttpExchange(request, route, frontend.dispatcher(r), keepAlive);
        inOrder.add(ex);
        dispatch(ex);
    }

    private void prepareForBackend(FullHttpRequest request) {
        HttpHeaders h = request.headers();
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove("Keep-Alive");
        h.remove(HttpHeaderNames.EXPECT);
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        String xff = h.get("X-Forwarded-For");
        h.set("X-Forwarded-For", xff == null ? clientAddress.getHostAddress() : xff + ", " + clientAddress.getHostAddress());
        String fwd = h.get("Forwarded");
        String mine = "for=" + forwardedFor + ";proto=http";
        h.set("Forwarded", fwd == null ? mine : fwd + ", " + mine);
    }

    private void dispatch(HttpExchange ex) {
        CompletableFuture<Ticket> f = ex.dispatcher.dispatch(RouteMatcher.key(ex.route, ex.request, clientAddress));
        if (f.isDone()) {
            onTicket(ex, f.isCompletedExceptionally() ? null : f.join(), f.isCompletedExceptionally() ? failureOf(f) : null);
        } else {
            f.whenComplete((t, e) -> ctx.executor().execute(() -> onTicket(ex, t, e)));
        }
    }

    private static Throwable failureOf(CompletableFuture<Ticket> f) {
        return f.handle((t, e) -> e).join();
    }

    private void onTicket(HttpExchange ex, Ticket ticket, Throwable failure) {
        if (failure != null) {
            frontend.onRefused();
            Throwable c = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            boolean busy = c instanceof CaravanException ce && ce.code() == ErrorCode.BUSY;
            complete(ex, ErrorResponses.unavailable(busy ? "all backends are busy and the queue is full or timed out; retry later"
                    : "no backend of front end " + frontend.spec().name() + " is available now; retry later"));
            flushResponses();
            return;
        }
        if (ex.finished || !ctx.channel().isActive()) {
            ticket.close();
            return;
        }
        frontend.onDispatched();
        ex.ticket = ticket;
        send(ex, ticket.backend().address());
    }

    private void send(HttpExchange ex, InetSocketAddress address) {
        ChannelFuture connected = pool.acquire(address);
        if (connected.isDone()) {
            onConnected(ex, connected);
        } else {
            connected.addListener((ChannelFuture f) -> onConnected(ex, f));
        }
    }

    private void onConnected(HttpExchange ex, ChannelFuture f) {
        if (!f.isSuccess()) {
            onUnsent(ex, "connect to " + ex.ticket.backend().address() + " failed: " + f.cause().getMessage());
            return;
        }
        Channel backend = f.channel();
        if (ex.finished) {
            ex.closeTicket(null);
            pool.release(backend);
            return;
        }
        backend.pipeline().get(BackendHandler.class).assign(this, ex);
        ex.written = false;
        ex.sentNs = System.nanoTime();
        backend.writeAndFlush(ex.request.retainedDuplicate()).addListener((ChannelFuture w) -> {
            if (w.isSuccess()) {
                ex.written = true;
            } else {
                w.channel().close();
            }
        });
    }

    /** The request never reached a backend: try another dispatch (safe for any method). */
    private void onUnsent(HttpExchange ex, String why) {
        ex.closeTicket(why);
        if (ex.finished) {
            return;
        }
        if (++ex.unsentAttempts < HttpLimits.MAX_UNSENT_ATTEMPTS && ctx.channel().isActive()) {
            dispatch(ex);
        } else {
            complete(ex, ErrorResponses.of(HttpResponseStatus.BAD_GATEWAY, "no backend could be reached; retry later"));
            flushResponses();
        }
    }

    /** The backend connection died while {@code ex} was on it. */
    void onBackendFailed(HttpExchange ex, String why) {
        if (!ex.written) {
            onUnsent(ex, why);
            return;
        }
        ex.closeTicket(why);
        if (ex.finished) {
            return;
        }
        if (ex.idempotent && !ex.retried && ctx.channel().isActive()) {
            ex.retried = true;
            dispatch(ex);
            return;
        }
        complete(ex, ErrorResponses.of(HttpResponseStatus.BAD_GATEWAY,
                "the backend failed while handling this request; it may or may not have been carried out"));
        flushResponses();
    }

    /** A complete response for {@code ex} arrived on {@code backend}. */
    void onBackendResponse(HttpExchange ex, FullHttpResponse response, Channel backend) {
        boolean backendKeepAlive = HttpUtil.isKeepAlive(response);
        if (response.status().code() == 421 && response.headers().contains(MOVED_HEADER)) {
            InetSocketAddress movedTo = movedTo(response.headers().get(MOVED_HEADER));
            response.release();
            release(backend, backendKeepAlive);
            if (ex.finished) {
                ex.closeTicket(null);
                return;
            }
            if (movedTo != null && ++ex.movedHops <= HttpLimits.MAX_MOVED_HOPS) {
                send(ex, movedTo); // the process did not execute it: resend where it runs now
            } else {
                ex.closeTicket("process kept moving");
                complete(ex, ErrorResponses.of(HttpResponseStatus.BAD_GATEWAY, "the process is moving; retry shortly"));
            }
            return;
        }
        ex.closeTicket(null);
        release(backend, backendKeepAlive);
        response.headers().remove(HttpHeaderNames.CONNECTION).remove("Keep-Alive");
        complete(ex, response);
    }

    private void release(Channel backend, boolean keepAlive) {
        if (keepAlive) {
            pool.release(backend);
        } else {
            backend.close();
        }
    }

    /** {@code epoch host:port} → the address, or null when it does not parse. */
    static InetSocketAddress movedTo(String value) {
        int space = value.indexOf(' ');
        String hostPort = value.substring(space + 1).trim();
        int colon = hostPort.lastIndexOf(':');
        if (space < 0 || colon <= 0) {
            return null;
        }
        try {
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void answerLocally(HttpResponseStatus status, String line) {
        HttpExchange ex = new HttpExchange(null, null, null, false);
        inOrder.add(ex);
        ex.finished = true;
        ex.response = ErrorResponses.of(status, line);
        writeReady();
        flushResponses();
    }

    /** Sets {@code ex}'s answer and writes every answer now at the head of the queue (flushed later). */
    private void complete(HttpExchange ex, FullHttpResponse answer) {
        if (!ctx.channel().isActive()) {
            answer.release();
            if (!ex.finished) {
                ex.finished = true;
                ReferenceCountUtil.release(ex.request);
            }
            return;
        }
        ex.finish(answer);
        writeReady();
    }

    private void writeReady() {
        HttpExchange head;
        while ((head = inOrder.peekFirst()) != null && head.response != null) {
            inOrder.pollFirst();
            FullHttpResponse r = head.response;
            head.response = null;
            if (head.clientKeepAlive) {
                HttpUtil.setKeepAlive(r, true);
                ctx.write(r, ctx.voidPromise());
                needsFlush = true;
            } else {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
                needsFlush = false;
                return; // closing: nothing was read after this request
            }
        }
    }

    void flushResponses() {
        if (needsFlush) {
            needsFlush = false;
            ctx.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        frontend.onClientClosed();
        HttpExchange ex;
        while ((ex = inOrder.pollFirst()) != null) {
            if (ex.response != null) {
                ex.response.release();
                ex.response = null;
            } else if (!ex.finished && ex.request != null) {
                ex.finished = true;
                ex.request.release();
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
