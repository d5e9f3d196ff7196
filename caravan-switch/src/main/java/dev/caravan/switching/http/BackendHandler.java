package dev.caravan.switching.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of one pooled backend connection: carries one request at a time (no pipelining to
 * backends) and hands the parts of its response, or the connection's failure, to the client
 * session that sent it; while idle in the pool it only watches for the backend closing.
 * Interim {@code 1xx} responses are dropped (the switch answers {@code 100-continue} itself).
 *
 * <p>Threading: the connection's event loop, which is also its client session's.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
    private final BackendConnectionPool pool;
    /** Marks the current exchange written once its head reached the socket; closes the connection if that failed. */
    private final ChannelFutureListener onHeadWritten = this::onHeadWritten;
    private HttpClientSession session;
    private HttpExchange current;
    private boolean backendKeepAlive;
    private boolean skippingInterim;
    /** The session a response part of the current read batch went to. */
    private HttpClientSession flushAfterBatch;

    BackendHandler(BackendConnectionPool pool) {
        this.pool = pool;
    }

    /** Binds the connection to one exchange until its response or failure (null, null: unbinds it). */
    void assign(HttpClientSession session, HttpExchange exchange) {
        this.session = session;
        this.current = exchange;
        this.skippingInterim = false;
    }

    private void onHeadWritten(ChannelFuture f) {
        if (!f.isSuccess()) {
            f.channel().close();
        } else if (current != null) {
            current.written = true;
        }
    }

    /** The promise to write the current exchange's request head with. */
    ChannelPromise headWritten(Channel ch) {
        return ch.newPromise().addListener(onHeadWritten);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        HttpExchange ex = current;
        if (ex == null) {
            ReferenceCountUtil.release(msg);
            ctx.close(); // bytes nobody asked for: the connection is out of step
            return;
        }
        HttpClientSession s = session;
        if (msg instanceof HttpResponse response) {
            if (response.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                failed(ctx, "backend sent a malformed or oversized response: " + response.decoderResult().cause());
                return;
            }
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL && response.status().code() != 101) {
                skippingInterim = true;
                ReferenceCountUtil.release(msg);
                return;
            }
            backendKeepAlive = HttpUtil.isKeepAlive(response);
            flushAfterBatch = s;
            s.onResponseHead(ex, response);
        }
        if (msg instanceof HttpContent part) {
            boolean last = part instanceof LastHttpContent;
            if (skippingInterim) {
                skippingInterim = !last;
                part.release();
                return;
            }
            if (part.decoderResult().isFailure()) {
                part.release();
                failed(ctx, "backend sent a malformed response body: " + part.decoderResult().cause());
                return;
            }
            flushAfterBatch = s;
            s.onResponseContent(ex, part, last, backendKeepAlive);
        }
    }

    private void failed(ChannelHandlerContext ctx, String why) {
        HttpExchange ex = current;
        HttpClientSession s = session;
        assign(null, null);
        ctx.close();
        s.onBackendFailed(ex, why);
    }

    /** Responses are written as they arrive and flushed once per read batch of this connection. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        HttpClientSession s = flushAfterBatch;
        flushAfterBatch = null;
        if (s != null) {
            s.flushResponses();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && session != null) {
            session.onBackendWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        HttpExchange ex = current;
        if (ex != null) {
            HttpClientSession s = session;
            assign(null, null);
            s.onBackendFailed(ex, "backend connection closed before a complete response");
        } else {
            pool.onIdleClosed(ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
