package dev.caravan.servers.bench;

import dev.caravan.servers.binary.RequestDelay;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The benchmark's reference: Netty 4.2 (NIO transport, one event loop per core, the same
 * count as {@link dev.caravan.servers.model.ServerModel#HYBRID}) doing the same work as the
 * toolkit's handlers — CRC-32 of a binary frame's payload, and TechEmpower plaintext over
 * HTTP/1.1 keep-alive with the same response headers — including the same simulated blocking
 * call on the event loop for the blocking variant.
 */
public final class NettyReferenceServer implements AutoCloseable {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final Channel channel;

    public NettyReferenceServer(String protocol, RequestDelay delay, int loops) throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(loops, NioIoHandler.newFactory());
        try {
            ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (protocol.equals("http")) {
                                ch.pipeline().addLast(new HttpServerCodec(), new PlaintextHandler(delay));
                            } else {
                                ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4), new Crc32Handler(delay));
                            }
                        }
                    });
            channel = b.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private static void pause(RequestDelay delay) {
        try {
            delay.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** id + CRC-32 of the payload, as {@link dev.caravan.servers.binary.BinaryProtocol#crc32()}. */
    private static final class Crc32Handler extends SimpleChannelInboundHandler<ByteBuf> {
        private final RequestDelay delay;

        Crc32Handler(RequestDelay delay) {
            this.delay = delay;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            pause(delay);
            int id = frame.readInt();
            byte[] data = new byte[frame.readableBytes()];
            frame.readBytes(data);
            CRC32 crc = new CRC32();
            crc.update(data);
            ByteBuf out = ctx.alloc().buffer(12);
            out.writeInt(8).writeInt(id).writeInt((int) crc.getValue());
            ctx.write(out);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // as the toolkit: a connection error (the load's reset at the end of a run) closes it quietly
        }
    }

    /** {@code Hello, World!} for every request, as {@link dev.caravan.servers.http.HttpProtocol#plaintext}. */
    private static final class PlaintextHandler extends SimpleChannelInboundHandler<Object> {
        private final RequestDelay delay;

        PlaintextHandler(RequestDelay delay) {
            this.delay = delay;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req) {
                pause(delay);
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer(HELLO));
                r.headers().set(HttpHeaderNames.SERVER, "caravan").set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, HELLO.length);
                boolean keepAlive = HttpUtil.isKeepAlive(req);
                ctx.write(r);
                if (!keepAlive) {
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // as the toolkit: a connection error (the load's reset at the end of a run) closes it quietly
        }
    }
}
