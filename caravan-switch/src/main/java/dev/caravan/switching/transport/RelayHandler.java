package dev.caravan.switching.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * One side of a {@link TransportSession}. In {@link RelayMode#COPY} it writes what it reads to
 * the other side, flushing once per read batch, and stops reading while the other side is not
 * writable (backpressure). In {@link RelayMode#SPLICE} the kernel moves the bytes and this
 * handler only sees input shutdown, closes and errors.
 *
 * <p>Threading: the session's event loop.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
    private final TransportSession session;
    private final boolean clientSide;

    RelayHandler(TransportSession session, boolean clientSide) {
        this.session = session;
        this.clientSide = clientSide;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel peer = session.peerOf(ctx.channel());
        if (peer == null || !peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        peer.write(msg, peer.voidPromise());
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Channel peer = session.peerOf(ctx.channel());
        if (peer != null) {
            peer.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel peer = session.peerOf(ctx.channel());
        if (ctx.channel().isWritable() && peer != null && peer.isActive()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            session.onInputShutdown(ctx.channel());
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (clientSide) {
            session.onClosed(ctx.channel());
        }
        ctx.fireChannelInactive();
    }

    /**
     * Closes only the side that failed; closing it flushes what is already queued for the other
     * side before that one is closed too ({@link TransportSession#onClosed}), so a failure on one
     * connection never drops bytes the other has yet to send.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
