package dev.caravan.switching.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits in front of the HTTP codec and tells the client session that bytes arrived, before they
 * are decoded: the codec says nothing until a request head is complete, and the head timer must
 * start at its first byte. Passes every message on unchanged.
 *
 * <p>Threading: the client channel's event loop.
 */
final class ClientBytesTap extends ChannelInboundHandlerAdapter {
    private final HttpClientSession session;

    ClientBytesTap(HttpClientSession session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        session.onClientBytes();
        ctx.fireChannelRead(msg);
    }
}
