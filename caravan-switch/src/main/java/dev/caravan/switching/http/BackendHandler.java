package dev.caravan.switching.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of one pooled backend connection: carries one request at a time (no pipelining to
 * backends) and hands its response, or the connection's failure, to the client session that
 * sent it; while idle in the pool it only watches for the backend closing.
 *
 * <p>Threading: the connection's event loop, which is also its client session's.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
    private final BackendConnectionPool pool;
    private HttpClientSession session;
    private HttpExchange current;
    /** The session a response of the current read batch went to. */
    private HttpClientSession flushAfterBatch;

    BackendHandler(BackendConnectionPool pool) {
        this.pool = pool;
    }

    /** Binds the connection to one exchange until its response or failure. */
    void assign(HttpClientSession session, HttpExchange exchange) {
        this.session = session;
        this.current = exchange;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        HttpExchange ex = current;
        if (ex == null || !(msg instanceof FullHttpResponse response)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        current = null;
        HttpClientSession s = session;
        session = null;
        if (response.decoderResult().isFailure()) {
            response.release();
            ctx.close();
            s.onBackendFailed(ex, "backend sent a malformed or oversized response: " + response.decoderResult().cause());
            return;
        }
        flushAfterBatch = s;
        s.onBackendResponse(ex, response, ctx.channel());
    }

    /** Responses are written as they complete and flushed once per read batch of this connection. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        HttpClientSession s = flushAfterBatch;
        flushAfterBatch = null;
        if (s != null) {
            s.flushResponses();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        HttpExchange ex = current;
        current = null;
        if (ex != null) {
            HttpClientSession s = session;
            session = null;
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
