package dev.caravan.switching.transport;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollMode;

/**
 * The one place that touches Netty's splice API. Netty 4.2 deprecates
 * {@code AbstractEpollStreamChannel.spliceTo} and {@link EpollMode} (its next major version drops
 * level-triggered epoll), but they work in 4.2 and are the only zero-copy relay it offers; if a
 * Netty upgrade removes them, only this class changes and front ends fall back to
 * {@link RelayMode#COPY}.
 *
 * <p>Constraints (Netty's javadoc of {@code spliceTo}): both channels on the same event loop,
 * both level-triggered; bytes go socket → pipe → socket in the kernel, and reading from the
 * source pauses while the target's socket buffer is full.
 */
@SuppressWarnings("deprecation")
final class Splicing {
    private Splicing() {
    }

    /** Makes the accepted connections of {@code b} spliceable. */
    static void levelTriggered(ServerBootstrap b) {
        b.childOption(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED);
    }

    /** Makes the connections {@code b} opens spliceable. */
    static void levelTriggered(AbstractBootstrap<?, ?> b) {
        b.option(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED);
    }

    /** Splices {@code a} → {@code b} and {@code b} → {@code a} until either fails; {@code onFailure} then runs. */
    static void bothWays(Channel a, Channel b, Runnable onFailure) {
        ChannelFutureListener failed = f -> {
            if (!f.isSuccess()) {
                onFailure.run();
            }
        };
        ((AbstractEpollStreamChannel) a).spliceTo((AbstractEpollStreamChannel) b, Integer.MAX_VALUE).addListener(failed);
        ((AbstractEpollStreamChannel) b).spliceTo((AbstractEpollStreamChannel) a, Integer.MAX_VALUE).addListener(failed);
    }
}
