package dev.caravan.switching.transport;

import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.Dispatcher.Ticket;
import dev.caravan.switching.policy.DispatchKey;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * One client connection of a {@link TransportFrontend} and the backend connection it was given.
 *
 * <p>Closing rules: a side whose input ends (FIN) has the other side's output shut down once
 * everything already relayed is flushed (half-close is carried through); when both inputs have
 * ended, or either side closes or fails, the other is closed after flushing. The ticket is
 * closed exactly once, when the first of the two connections closes.
 *
 * <p>Threading: every method runs on the client channel's event loop (the backend connection is
 * registered on the same loop), except {@link #start}, called from the accepting initializer.
 */
final class TransportSession {
    private final Channel client;
    private final Dispatcher dispatcher;
    private final Class<? extends Channel> socketClass;
    private final RelayMode relayMode;
    private final LongAdder dispatched;
    private final LongAdder refused;
    private Channel backend;
    private Ticket ticket;
    private boolean ticketClosed;
    private int attempts;
    private boolean clientInputDone;
    private boolean backendInputDone;

    TransportSession(Channel client, Dispatcher dispatcher, Class<? extends Channel> socketClass, RelayMode relayMode,
                     LongAdder dispatched, LongAdder refused) {
        this.client = client;
        this.dispatcher = dispatcher;
        this.socketClass = socketClass;
        this.relayMode = relayMode;
        this.dispatched = dispatched;
        this.refused = refused;
    }

    void start() {
        client.pipeline().addLast(new RelayHandler(this, true));
        dispatchOnce();
    }

    private void dispatchOnce() {
        attempts++;
        InetSocketAddress remote = (InetSocketAddress) client.remoteAddress();
        DispatchKey key = new DispatchKey(remote == null ? null : remote.getAddress(), null, null);
        dispatcher.dispatch(key).whenComplete((t, failure) -> {
            if (client.eventLoop().inEventLoop()) {
                onDispatched(t, failure);
            } else {
                client.eventLoop().execute(() -> onDispatched(t, failure));
            }
        });
    }

    private void onDispatched(Ticket t, Throwable failure) {
        if (failure != null) {
            refused.increment();
            client.close();
            return;
        }
        if (!client.isActive()) {
            t.close();
            return;
        }
        dispatched.increment();
        ticket = t;
        ticketClosed = false;
        long startNs = System.nanoTime();
        Bootstrap b = new Bootstrap()
                .group(client.eventLoop())
                .channel(socketClass)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, ConnectionLimits.CONNECT_TIMEOUT_MS)
                .handler(new RelayHandler(this, false));
        if (relayMode == RelayMode.SPLICE) {
            Splicing.levelTriggered(b);
        }
        b.connect(t.backend().address()).addListener((ChannelFuture f) -> onConnected(f, startNs));
    }

    private void onConnected(ChannelFuture f, long startNs) {
        if (!f.isSuccess()) {
            ticket.onFailure("connect to " + ticket.backend().address() + " failed: " + f.cause().getMessage());
            closeTicket();
            if (attempts < ConnectionLimits.MAX_CONNECT_ATTEMPTS && client.isActive()) {
                dispatchOnce();
            } else {
                client.close();
            }
            return;
        }
        backend = f.channel();
        if (!client.isActive()) {
            backend.close();
            closeTicket();
            return;
        }
        ticket.onSuccess(System.nanoTime() - startNs);
        backend.closeFuture().addListener(c -> onClosed(backend));
        if (relayMode == RelayMode.SPLICE) {
            Splicing.bothWays(client, backend, this::closeBoth);
        }
        client.config().setAutoRead(true);
        backend.config().setAutoRead(true);
    }

    /** The other side of {@code side} (null while the backend is not connected). */
    Channel peerOf(Channel side) {
        return side == client ? backend : client;
    }

    /** {@code side}'s input ended: carry the FIN over, and close once both inputs have ended. */
    void onInputShutdown(Channel side) {
        if (side == client) {
            clientInputDone = true;
        } else {
            backendInputDone = true;
        }
        Channel peer = peerOf(side);
        if (peer == null) {
            side.close();
            return;
        }
        if (clientInputDone && backendInputDone) {
            side.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (peer.isActive()) {
                ((DuplexChannel) peer).shutdownOutput();
            }
        });
    }

    /** {@code side} closed: flush what is pending to the other, then close it. */
    void onClosed(Channel side) {
        closeTicket();
        Channel peer = peerOf(side);
        if (peer != null && peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Splice failed: the bytes in its pipe are lost anyway, so both sides are closed at once. */
    private void closeBoth() {
        client.close();
        if (backend != null) {
            backend.close();
        }
        closeTicket();
    }

    private void closeTicket() {
        if (ticket != null && !ticketClosed) {
            ticketClosed = true;
            ticket.close();
        }
    }
}
