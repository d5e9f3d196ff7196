package dev.caravan.servers.oob;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TCP urgent data as Java exposes it: {@link Socket#sendUrgentData} sends one byte flagged
 * urgent; the receiver can only read it inline ({@code setOOBInline(true)}), in stream order,
 * with nothing marking it as urgent and no signal (no SIGURG). Without OOBINLINE it is dropped.
 */
class TcpUrgentDataTest {

    private static String receive(boolean oobInline) throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket accepted = listener.accept()) {
            accepted.setOOBInline(oobInline);
            accepted.setSoTimeout(10_000);
            OutputStream out = client.getOutputStream();
            out.write("ab".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            client.sendUrgentData('!');
            out.write("cd".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            client.shutdownOutput();
            InputStream in = accepted.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void shouldDeliverTheUrgentByteInlineInStreamOrderWhenOobInlineIsOn() throws IOException {
        assertThat(receive(true)).isEqualTo("ab!cd");
    }

    @Test
    void shouldDropTheUrgentByteWhenOobInlineIsOff() throws IOException {
        // Java has no recv(MSG_OOB): with OOBINLINE off the byte is unreachable and lost.
        assertThat(receive(false)).isEqualTo("abcd");
    }
}
