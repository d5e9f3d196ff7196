package dev.caravan.wire.net;

import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class FrameServerTest {
    private static final FrameHandler ECHO = (connection, request) -> Frame.ok(request.requestId(), request.body());

    private static FrameServer server(int maxConnections, Duration helloTimeout) throws Exception {
        return new FrameServer("test", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), ECHO, "", maxConnections,
                Frame.DEFAULT_MAX_FRAME_BYTES, helloTimeout);
    }

    @Test
    void shouldCloseASilentConnectionAfterTheHelloTimeoutAndServeTheNextClient() throws Exception {
        try (FrameServer server = server(1, Duration.ofMillis(300));
             Socket silent = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            silent.setSoTimeout(10_000);
            // The only permit is the silent client's until the watchdog closes it.
            try (FrameClient good = FrameClient.connect(server.address(), new Hello("good", ""), Duration.ofSeconds(10))) {
                assertThat(good.call(Op.PING, new byte[] {7}, Duration.ofSeconds(5)).body()).containsExactly(7);
            }
            InputStream in = silent.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void shouldKeepAConnectionThatSaidHelloBeyondTheHelloTimeout() throws Exception {
        try (FrameServer server = server(4, Duration.ofSeconds(1));
             FrameClient client = FrameClient.connect(server.address(), new Hello("slow", ""), Duration.ofSeconds(10))) {
            // Idle past the hello timeout, as the server's own watchdog tells by closing a silent newcomer.
            try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                silent.setSoTimeout(10_000);
                assertThat(silent.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(client.call(Op.PING, new byte[] {1}, Duration.ofSeconds(5)).body()).containsExactly(1);
        }
    }
}
