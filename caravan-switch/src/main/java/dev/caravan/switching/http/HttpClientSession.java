package dev.caravan.switching.http;

import dev.caravan.switching.Dispatcher.Ticket;
import dev.caravan.switching.Route;
import dev.caravan.switching.policy.DispatchKey;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client connection of an {@link HttpContentFrontend}: routes each request on its own,
 * streams it to a pooled backend connection of this event loop, and streams the responses back
 * in request order (a reorder queue: a fast backend's answer to request 2 is held while a slow
 * one answers request 1, and the fast backend's connection stops reading meanwhile).
 *
 * <pre>
 *  request head ─▶ route ─▶ dispatch ─▶ pooled connection ─▶ backend   (body parts follow as they arrive)
 *                                          │ fails before written → another dispatch (≤ 3) if still held
 *                                          │ fails after written → idempotent and held: once more; else 502
 *                                          │ 421 + Caravan-Moved: epoch host:port → resend there (≤ 3) if held
 *  client ◀─ reorder queue (head streams, others held) ◀─ response parts
 * </pre>
 *
 * "Held" means the whole request is still in memory ({@link HttpExchange#replayable}): a body of
 * at most {@link HttpLimits#MAX_REPLAY_BODY_BYTES}. A bigger body is streamed and never resent.
 * Writes to backends are flushed once per client read batch; writes to the client once per
 * backend read batch. Timers ({@link HttpTimeouts}): one per exchange for its response head, one
 * per connection for the request head or idleness, both on this event loop.
 *
 * <p>Threading: everything runs on the client channel's event loop; dispatch futures that
 * complete elsewhere are handed back to it.
 */
final class HttpClientSession extends ChannelInboundHandlerAdapter {
    private static final String MOVED_HEADER = "Caravan-Moved";
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpContentFrontend frontend;
    private final ArrayDeque<HttpExchange> inOrder = new ArrayDeque<>();
    /** Backend connections written to during the current client read batch (flushed at its end). */
    private final ArrayList<Channel> backendsToFlush = new ArrayList<>(4);
    private ChannelHandlerContext ctx;
    private BackendConnectionPool pool;
    private InetAddress clientAddress;
    private DispatchKey addressKey;
    private AsciiString forwardedFor;
    private AsciiString forwarded;
    /** The request whose body is being read now (null between requests). */
    private HttpExchange upload;
    /** No further requests are accepted: the last one asked to close, or input was malformed. */
    private boolean closing;
    /** Reading stopped for good (malformed input or a body over the limit). */
    private boolean stopped;
    private boolean inClientRead;
    private boolean needsFlush;

    private final HttpTimeouts timeouts;
    private final long headTimeoutNs;
    private final long idleTimeoutNs;
    private final Runnable onClientTimer = this::onClientTimer;
    private final ChannelFutureListener lingerThenClose = this::lingerThenClose;
    /** The head timer runs: the connection is new, or a byte arrived while a request head was awaited. */
    private boolean headClockRunning;
    private long headSinceNs;
    /** A byte of the awaited request head arrived (a timeout then answers 408; else it just closes). */
    private boolean headBytesSeen;
    /** When the connection last became idle: nothing in flight, no byte of a next request. */
    private long idleSinceNs;
    /** The one client timer (head or idle); it re-checks the state when it fires. */
    private ScheduledFuture<?> clientTimer;
    private long clientTimerDeadlineNs;

    HttpClientSession(HttpContentFrontend frontend) {
        this.frontend = frontend;
        this.timeouts = frontend.timeouts();
        this.headTimeoutNs = TimeUnit.MILLISECONDS.toNanos(timeouts.requestHeadMs());
        this.idleTimeoutNs = TimeUnit.MILLISECONDS.toNanos(timeouts.clientIdleMs());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.pool = frontend.poolFor(ctx.channel().eventLoop());
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        this.clientAddress = remote.getAddress();
        this.addressKey = new DispatchKey(clientAddress, null, null);
        String ip = clientAddress.getHostAddress();
        this.forwardedFor = AsciiString.cached(ip);
        this.forwarded = AsciiString.cached("for=" + (clientAddress instanceof Inet6Address ? "\"[" + ip + "]\"" : ip) + ";proto=http");
        frontend.onClientOpened();
        headClockRunning = true; // a new connection has requestHeadMs for its first request
        headSinceNs = System.nanoTime();
        armClientTimer(headSinceNs + headTimeoutNs);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inClientRead = true;
        if (msg instanceof HttpRequest request) {
            onRequestHead(request);
        }
        if (msg instanceof HttpContent part) {
            onRequestPart(part);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inClientRead = false;
        for (int i = 0; i < backendsToFlush.size(); i++) {
            backendsToFlush.get(i).flush();
        }
        backendsToFlush.clear();
        flushResponses();
        if (headClockRunning && awaitingHead()) {
            armClientTimer(headSinceNs + headTimeoutNs); // part of a head arrived: armed here, not per read
        }
        ctx.fireChannelReadComplete();
    }

    private void onRequestHead(HttpRequest request) {
        headClockRunning = false;
        headBytesSeen = false;
        if (stopped || closing) {
            upload = null;
            return;
        }
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            answerAndStop(cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST, null);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        closing = !keepAlive;
        int r = RouteMatcher.firstMatch(frontend.spec().routes(), request);
        Route route = r < 0 ? null : frontend.spec().routes().get(r);
        HttpExchange ex = new HttpExchange(request, route, r < 0 ? null : frontend.dispatcher(r), keepAlive);
        inOrder.add(ex);
        upload = ex;
        if (HttpUtil.getContentLength(request, 0L) > HttpLimits.MAX_REQUEST_BODY_BYTES) {
            answerAndStop(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, ex);
            return;
        }
        if (route == null) {
            frontend.onRefused();
            answer(ex, ErrorResponses.unavailable("no route of front end " + frontend.spec().name() + " matches this request"));
            return;
        }
        ex.expectContinue = HttpUtil.is100ContinueExpected(request);
        prepareForBackend(request.headers());
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (ex.expectContinue && inOrder.peekFirst() == ex) {
            writeContinue(ex);
        }
        dispatch(ex);
    }

    /** Hop-by-hop headers go; {@code X-Forwarded-For} and {@code Forwarded} get this client appended. */
    private void prepareForBackend(HttpHeaders h) {
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove(KEEP_ALIVE);
        h.remove(HttpHeaderNames.EXPECT);
        String xff = h.get(X_FORWARDED_FOR);
        if (xff == null) {
            h.add(X_FORWARDED_FOR, forwardedFor);
        } else {
            h.set(X_FORWARDED_FOR, xff + ", " + forwardedFor);
        }
        String fwd = h.get(FORWARDED);
        if (fwd == null) {
            h.add(FORWARDED, forwarded);
        } else {
            h.set(FORWARDED, fwd + ", " + forwarded);
        }
    }

    private void onRequestPart(HttpContent part) {
        HttpExchange ex = upload;
        if (ex == null) {
            part.release();
            return;
        }
        boolean last = part instanceof LastHttpContent;
        if (last) {
            upload = null;
            ex.requestComplete = true;
            onMaybeIdle();
        }
        if (part.decoderResult().isFailure()) {
            part.release();
            abortUpload(ex, HttpResponseStatus.BAD_REQUEST);
            return;
        }
        ex.bodyBytes += part.content().readableBytes();
        if (ex.bodyBytes > HttpLimits.MAX_REQUEST_BODY_BYTES) {
            part.release();
            abortUpload(ex, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        if (ex.abandoned || (ex.backend == null && ex.responseReceived) || (!ex.replayable && ex.backend == null)) {
            part.release(); // answered already, or its backend connection is gone: the rest of the body goes nowhere
            return;
        }
        if (ex.backend == null) {
            ex.hold(part); // held until a backend connection is attached
            if (ex.bodyBytes > HttpLimits.MAX_REPLAY_BODY_BYTES) {
                ctx.channel().config().setAutoRead(false); // resumed on attach
            }
        } else if (ex.replayable && ex.bodyBytes <= HttpLimits.MAX_REPLAY_BODY_BYTES) {
            ex.hold(part);
            writeToBackend(ex.backend, part.retainedDuplicate());
            armResponseTimerIfComplete(ex);
        } else {
            ex.releaseBody(); // everything held was written already; from here on the body streams
            writeToBackend(ex.backend, part);
            armResponseTimerIfComplete(ex);
        }
    }

    /** The upload of {@code ex} cannot go on: answer {@code status} in order (if not answered yet) and stop reading. */
    private void abortUpload(HttpExchange ex, HttpResponseStatus status) {
        if (ex.backend != null) {
            detach(ex).close();
            ex.dropTicket();
        }
        if (ex.responseStarted) {
            ctx.close();
            return;
        }
        ex.discardHeldResponse();
        answerAndStop(status, ex);
    }

    private void dispatch(HttpExchange ex) {
        CompletableFuture<Ticket> f = ex.dispatcher.dispatch(keyOf(ex));
        if (!f.isDone()) {
            f.whenComplete((t, e) -> ctx.executor().execute(() -> onTicket(ex, t, e)));
        } else if (f.isCompletedExceptionally()) {
            onTicket(ex, null, f.handle((t, e) -> e).join());
        } else {
            onTicket(ex, f.join(), null);
        }
    }

    private DispatchKey keyOf(HttpExchange ex) {
        return switch (ex.route.affinity().kind()) {
            case CLIENT_ADDRESS, RESP_KEY -> addressKey;
            default -> RouteMatcher.key(ex.route, ex.head, clientAddress);
        };
    }

    private void onTicket(HttpExchange ex, Ticket ticket, Throwable failure) {
        if (failure != null) {
            frontend.onRefused();
            Throwable c = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            boolean busy = c instanceof CaravanException ce && ce.code() == ErrorCode.BUSY;
            answer(ex, ErrorResponses.unavailable(busy ? "all backends are busy and the queue is full or timed out; retry later"
                    : "no backend of front end " + frontend.spec().name() + " is available now; retry later"));
            return;
        }
        if (ex.abandoned || ex.responseReceived) {
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
            onConnected(ex, connected, address);
        } else {
            connected.addListener((ChannelFuture f) -> onConnected(ex, f, address));
        }
    }

    private void onConnected(HttpExchange ex, ChannelFuture f, InetSocketAddress address) {
        if (!f.isSuccess()) {
            onUnsent(ex, "connect to " + address + " failed: " + f.cause().getMessage());
            return;
        }
        Channel backend = f.channel();
        if (ex.abandoned || ex.responseReceived) {
            ex.dropTicket();
            pool.release(backend);
            return;
        }
        ex.backend = backend;
        ex.written = false;
        ex.responseHeadArrived = false;
        ex.sentNs = System.nanoTime();
        BackendHandler handler = backend.pipeline().get(BackendHandler.class);
        handler.assign(this, ex);
        backend.write(ex.head, handler.headWritten(backend));
        if (ex.bodyBytes <= HttpLimits.MAX_REPLAY_BODY_BYTES) {
            ex.writeHeldBody(backend, false);
        } else {
            ex.writeHeldBody(backend, true);
            ex.replayable = false;
            if (!stopped) {
                ctx.channel().config().setAutoRead(true);
            }
        }
        flushLater(backend);
        armResponseTimerIfComplete(ex);
    }

    /** Starts the backend response timer once the whole request is on its backend connection. */
    private void armResponseTimerIfComplete(HttpExchange ex) {
        if (ex.requestComplete && ex.backend != null && ex.responseTimer == null && !ex.responseHeadArrived) {
            ex.responseTimer = ctx.executor().schedule(() -> onResponseTimeout(ex), timeouts.backendResponseMs(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * No response head within {@link HttpTimeouts#backendResponseMs}: {@code 504} in order, the
     * backend connection closed (its response may still come, so it is never pooled), a failure
     * for the dispatcher. Not sent again even when idempotent: the backend may be carrying it out,
     * and a backend that hangs would make every retry wait as long again.
     */
    private void onResponseTimeout(HttpExchange ex) {
        ex.responseTimer = null;
        if (ex.backend == null || ex.responseHeadArrived) {
            return;
        }
        Channel backend = detach(ex);
        backend.close();
        ex.closeTicket("no response head from " + backend.remoteAddress() + " within " + timeouts.backendResponseMs() + " ms");
        ex.releaseBody();
        if (ex.abandoned) {
            return;
        }
        answer(ex, ErrorResponses.of(HttpResponseStatus.GATEWAY_TIMEOUT, "the backend did not answer within "
                + timeouts.backendResponseMs() + " ms; the request may or may not have been carried out"));
    }

    private void writeToBackend(Channel backend, HttpContent part) {
        backend.write(part, backend.voidPromise());
        flushLater(backend);
        if (!backend.isWritable()) {
            ctx.channel().config().setAutoRead(false); // resumed by onBackendWritable
        }
    }

    private void flushLater(Channel backend) {
        if (!inClientRead) {
            backend.flush();
        } else if (!backendsToFlush.contains(backend)) {
            backendsToFlush.add(backend);
        }
    }

    /** A backend connection carrying one of this client's uploads drained its output buffer. */
    void onBackendWritable() {
        if (!stopped) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private Channel detach(HttpExchange ex) {
        Channel backend = ex.backend;
        ex.backend = null;
        ex.cancelResponseTimer();
        backend.pipeline().get(BackendHandler.class).assign(null, null);
        return backend;
    }

    /** The request never reached a backend: try another dispatch (safe for any method) if it is still held. */
    private void onUnsent(HttpExchange ex, String why) {
        ex.closeTicket(why);
        if (ex.abandoned) {
            return;
        }
        if (ex.replayable && ++ex.unsentAttempts < HttpLimits.MAX_UNSENT_ATTEMPTS && ctx.channel().isActive()) {
            dispatch(ex);
        } else {
            answer(ex, ErrorResponses.of(HttpResponseStatus.BAD_GATEWAY, "no backend could be reached; retry later"));
        }
    }

    /** The backend connection died while {@code ex} was on it (it is closed or closing). */
    void onBackendFailed(HttpExchange ex, String why) {
        ex.backend = null;
        ex.cancelResponseTimer();
        if (ex.responseStarted) {
            ex.closeTicket(why);
            ctx.close(); // part of the response went out: the client can only learn of the failure by the close
            return;
        }
        ex.discardHeldResponse();
        if (!ex.written) {
            onUnsent(ex, why);
            return;
        }
        ex.closeTicket(why);
        if (ex.abandoned) {
            return;
        }
        if (ex.idempotent && ex.replayable && ex.requestComplete && !ex.retried && ctx.channel().isActive()) {
            ex.retried = true;
            dispatch(ex);
            return;
        }
        answer(ex, ErrorResponses.of(HttpResponseStatus.BAD_GATEWAY,
                "the backend failed while handling this request; it may or may not have been carried out"));
    }

    /** The head of {@code ex}'s response arrived from its backend. */
    void onResponseHead(HttpExchange ex, HttpResponse response) {
        ex.responseHeadArrived = true;
        ex.cancelResponseTimer();
        HttpHeaders h = response.headers();
        if (response.status().code() == 421 && h.contains(MOVED_HEADER)) {
            ex.discardingResponse = true;
            ex.movedTo = movedTo(h.get(MOVED_HEADER));
            return;
        }
        ex.closeTicket(null);
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove(KEEP_ALIVE);
        if (!ex.clientKeepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        onResponsePart(ex, response, false);
    }

    /** A part of {@code ex}'s response arrived; {@code last}: the backend connection is free again. */
    void onResponseContent(HttpExchange ex, HttpContent part, boolean last, boolean backendKeepAlive) {
        if (!last) {
            if (ex.discardingResponse) {
                part.release();
            } else {
                onResponsePart(ex, part, false);
            }
            return;
        }
        Channel backend = detach(ex);
        if (backendKeepAlive && ex.requestComplete) {
            pool.release(backend);
        } else {
            backend.close(); // the client is still uploading a body the backend did not wait for
        }
        if (ex.discardingResponse) {
            part.release();
            ex.discardingResponse = false;
            onMovedResponseDone(ex);
            return;
        }
        ex.releaseBody();
        onResponsePart(ex, part, true);
    }

    private void onMovedResponseDone(HttpExchange ex) {
        InetSocketAddress to = ex.movedTo;
        ex.movedTo = null;
        if (ex.abandoned) {
            ex.dropTicket();
            return;
        }
        if (to != null && ex.replayable && ex.requestComplete && ++ex.movedHops <= HttpLimits.MAX_MOVED_HOPS) {
            send(ex, to); // the process did not execute it: resend where it runs now
        } else {
            ex.closeTicket("process kept moving");
            answer(ex, ErrorResponses.of(HttpResponseStatus.BAD_GATEWAY, "the process is moving; retry shortly"));
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

    /** Answers {@code ex} (or a new exchange for input that is not a request) with {@code status}, then reads no more. */
    private void answerAndStop(HttpResponseStatus status, HttpExchange ex) {
        answerAndStop(status, ex, "request rejected (" + status.reasonPhrase()
                + "): send well-formed HTTP/1.1 within the switch's limits");
    }

    private void answerAndStop(HttpResponseStatus status, HttpExchange ex, String line) {
        closing = true;
        stopped = true;
        upload = null;
        ctx.channel().config().setAutoRead(false);
        HttpExchange target = ex;
        if (target == null) {
            target = new HttpExchange(null, null, null, false);
            inOrder.add(target);
        }
        answer(target, ErrorResponses.of(status, line));
    }

    /** Gives {@code ex} the switch's own complete answer (never after part of another was written). */
    private void answer(HttpExchange ex, FullHttpResponse response) {
        if (!ex.clientKeepAlive || stopped) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        onResponsePart(ex, response, true);
        if (!inClientRead) {
            flushResponses();
        }
    }

    private void onResponsePart(HttpExchange ex, HttpObject part, boolean last) {
        if (ex.abandoned || !ctx.channel().isActive()) {
            ReferenceCountUtil.release(part);
            return;
        }
        if (last) {
            ex.responseReceived = true;
            if (ex.backend == null) {
                ex.releaseBody();
            }
        }
        if (inOrder.peekFirst() == ex) {
            writeToClient(ex, part, last);
            if (last) {
                inOrder.pollFirst();
                writeReady();
                onMaybeIdle();
            }
        } else {
            ex.holdResponse(part);
            if (!last && ex.backend != null) {
                ex.backend.config().setAutoRead(false); // resumed when ex reaches the head of the queue
            }
        }
    }

    private void writeToClient(HttpExchange ex, HttpObject part, boolean last) {
        ex.responseStarted = true;
        if (last && !ex.clientKeepAlive || last && stopped && inOrder.size() == 1) {
            ctx.writeAndFlush(part).addListener(stopped ? lingerThenClose : ChannelFutureListener.CLOSE);
            needsFlush = false;
            return;
        }
        ctx.write(part, ctx.voidPromise());
        needsFlush = true;
        if (!last && ex.backend != null && !ctx.channel().isWritable()) {
            ex.backend.config().setAutoRead(false); // resumed in channelWritabilityChanged
        }
    }

    /**
     * After the switch's last answer to a client it stopped reading (malformed, oversized or too
     * slow input): the client may still be sending, and closing a socket with unread input sends
     * a reset, which can destroy the answer before the client reads it. So the switch only shuts
     * its output (FIN), reads and drops what still comes, and closes when the client does or
     * after {@link HttpLimits#LINGER_MS} (Apache's and HAProxy's lingering close).
     */
    private void lingerThenClose(ChannelFuture written) {
        Channel ch = written.channel();
        if (!written.isSuccess() || !(ch instanceof DuplexChannel duplex)) {
            ch.close();
            return;
        }
        duplex.shutdownOutput();
        ch.config().setAutoRead(true); // what arrives is dropped: nothing is accepted once stopped
        ctx.executor().schedule(() -> ch.close(), HttpLimits.LINGER_MS, TimeUnit.MILLISECONDS);
    }

    /** Writes what the exchanges now at the head of the queue hold, in order, until one is still in progress. */
    private void writeReady() {
        HttpExchange head;
        while ((head = inOrder.peekFirst()) != null) {
            if (!head.responseStarted && head.expectContinue) {
                writeContinue(head);
            }
            ArrayDeque<HttpObject> held = head.heldResponse;
            HttpObject part;
            while (held != null && (part = held.poll()) != null) {
                writeToClient(head, part, held.isEmpty() && head.responseReceived);
            }
            if (!head.responseReceived) {
                if (head.backend != null && ctx.channel().isWritable()) {
                    head.backend.config().setAutoRead(true);
                }
                return;
            }
            inOrder.pollFirst();
            if (!head.clientKeepAlive) {
                return; // closing: nothing was read after this request
            }
        }
    }

    /**
     * Written below the codec: its encoder pairs every response it encodes with a request's method
     * (for HEAD), and an interim response must not take a final response's place.
     */
    private void writeContinue(HttpExchange ex) {
        ex.expectContinue = false;
        ctx.pipeline().firstContext().write(Unpooled.wrappedBuffer(CONTINUE), ctx.voidPromise());
        needsFlush = true;
    }

    void flushResponses() {
        if (needsFlush) {
            needsFlush = false;
            ctx.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        HttpExchange head = inOrder.peekFirst();
        if (ctx.channel().isWritable() && head != null && head.backend != null) {
            head.backend.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Called by {@link ClientBytesTap} before the codec sees the bytes. The codec does not say
     * where one request ends inside a read, so a head whose first bytes came in the same read as
     * the end of the previous request is timed from its next read (or, with nothing in flight,
     * by the idle timer): late by one read, never early.
     */
    void onClientBytes() {
        if (awaitingHead()) {
            headBytesSeen = true;
            if (!headClockRunning) {
                headClockRunning = true;
                headSinceNs = System.nanoTime();
            }
        }
    }

    /** Between requests: no body is being read and further requests are accepted. */
    private boolean awaitingHead() {
        return upload == null && !closing && !stopped;
    }

    /** Starts the idle clock if nothing is in flight now and no next request has begun. */
    private void onMaybeIdle() {
        if (inOrder.isEmpty() && awaitingHead() && !headClockRunning) {
            idleSinceNs = System.nanoTime();
            armClientTimer(idleSinceNs + idleTimeoutNs);
        }
    }

    /** The deadline the client's state calls for now, or {@link Long#MAX_VALUE} for none. */
    private long clientDeadlineNs() {
        if (!awaitingHead()) {
            return Long.MAX_VALUE; // a body is read (its backend's timer bounds the exchange) or the connection ends
        }
        if (headClockRunning) {
            return headSinceNs + headTimeoutNs;
        }
        return inOrder.isEmpty() ? idleSinceNs + idleTimeoutNs : Long.MAX_VALUE;
    }

    /**
     * Makes the timer fire by {@code deadlineNs}. A timer already due sooner is kept: it re-checks
     * the state when it fires, so a keep-alive connection schedules about once per idle timeout,
     * not once per request.
     */
    private void armClientTimer(long deadlineNs) {
        if (clientTimer != null) {
            if (clientTimerDeadlineNs - deadlineNs <= 0) {
                return;
            }
            clientTimer.cancel(false);
        }
        clientTimerDeadlineNs = deadlineNs;
        clientTimer = ctx.executor().schedule(onClientTimer, Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void onClientTimer() {
        clientTimer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        long deadline = clientDeadlineNs();
        if (deadline == Long.MAX_VALUE) {
            return; // re-armed when the connection next becomes idle or a head begins
        }
        if (deadline - System.nanoTime() > 0) {
            armClientTimer(deadline);
        } else if (headClockRunning && headBytesSeen) {
            answerAndStop(HttpResponseStatus.REQUEST_TIMEOUT, null, "the request head did not arrive within "
                    + timeouts.requestHeadMs() + " ms; send the whole head at once");
        } else {
            ctx.close(); // an idle keep-alive connection, or one that never sent a byte: no response
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        frontend.onClientClosed();
        upload = null;
        if (clientTimer != null) {
            clientTimer.cancel(false);
            clientTimer = null;
        }
        HttpExchange ex;
        while ((ex = inOrder.pollFirst()) != null) {
            ex.abandoned = true;
            ex.releaseAll();
            if (ex.backend != null && !(ex.requestComplete && ex.written)) {
                detach(ex).close();
                ex.dropTicket();
            } else if (ex.backend != null) {
                ex.backend.config().setAutoRead(true); // let the response finish so the connection can be pooled
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
