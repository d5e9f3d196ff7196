package dev.caravan.naming;

import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.FrameReader;
import dev.caravan.wire.FrameWriter;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.Hello;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input on the naming port, sent with raw sockets: each gets an error reply or a close,
 * and a well-behaved client is served afterwards.
 */
class NamingPortAbuseTest {
    private final LocalNamingService local = new LocalNamingService(new ManualClock());
    private NamingServer server;

    @BeforeEach
    void start() throws IOException {
        server = new NamingServer(local, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "");
    }

    @AfterEach
    void stop() {
        server.close();
        local.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(server.address(), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    /** Reads until the server replies with a frame (returned) or closes (null). */
    private static Frame replyOrClose(Socket s) throws IOException {
        try {
            return new FrameReader(s.getInputStream(), 1 << 20).read();
        } catch (java.net.SocketException | java.io.EOFException e) {
            return null;
        }
    }

    private static ErrorCode errorOf(Frame f) {
        assertThat(f.type()).isEqualTo(Op.ERROR);
        return ErrorCode.of(f.reader().u16());
    }

    private void assertServerStillServes() {
        try (RemoteNamingService good = new RemoteNamingService(server.address(), new Hello("good", ""),
                Duration.ofSeconds(2))) {
            Lease lease = good.openLease("n1", 1000);
            good.register(lease.id(), NamingServiceContract.entry("node/n1", 1));
            assertThat(good.lookup("node/n1")).isPresent();
        }
    }

    private static void hello(Socket s) throws IOException {
        new FrameWriter(s.getOutputStream()).write(new Hello("raw", "").toFrame(1));
        assertThat(replyOrClose(s)).extracting(Frame::type).isEqualTo(Op.OK);
    }

    @Test
    void shouldAnswerGarbageBytesAndKeepServing() throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Frame reply = replyOrClose(s);
            if (reply != null) {
                assertThat(errorOf(reply)).isIn(ErrorCode.TOO_LARGE, ErrorCode.MALFORMED, ErrorCode.UNSUPPORTED_VERSION);
            }
        }
        assertServerStillServes();
    }

    @Test
    void shouldCloseOnTruncatedFrameAndKeepServing() throws IOException {
        try (Socket s = connect()) {
            hello(s);
            byte[] whole = FrameWriter.encode(new Frame(Op.NAMING_LOOKUP, 2, new BodyWriter().string("node/n1").toBytes()));
            s.getOutputStream().write(whole, 0, whole.length - 3);
            s.getOutputStream().flush();
            s.shutdownOutput();
            assertThat(replyOrClose(s)).isNull();
        }
        assertServerStillServes();
    }

    @Test
    void shouldRefuseOversizedLengthBeforeAllocating() throws IOException {
        try (Socket s = connect()) {
            hello(s);
            OutputStream out = s.getOutputStream();
            out.write(new BodyWriter().i32(Integer.MAX_VALUE).u8(Frame.VERSION).u16(Op.NAMING_LIST).i64(2).toBytes());
            out.flush();
            assertThat(errorOf(replyOrClose(s))).isEqualTo(ErrorCode.TOO_LARGE);
            assertThat(replyOrClose(s)).isNull();
        }
        assertServerStillServes();
    }

    @Test
    void shouldRefuseAFrameBeforeHello() throws IOException {
        try (Socket s = connect()) {
            new FrameWriter(s.getOutputStream()).write(new Frame(Op.NAMING_LIST, 5, new BodyWriter().string("").toBytes()));
            assertThat(errorOf(replyOrClose(s))).isEqualTo(ErrorCode.UNAUTHENTICATED);
            assertThat(replyOrClose(s)).isNull();
        }
        assertServerStillServes();
    }

    @Test
    void shouldAnswerUnknownOpAndMalformedBodiesAndKeepTheConnection() throws IOException {
        try (Socket s = connect()) {
            hello(s);
            FrameWriter w = new FrameWriter(s.getOutputStream());
            w.write(new Frame(Op.NODE_START, 2, new byte[0]));
            Frame unknown = replyOrClose(s);
            assertThat(unknown.requestId()).isEqualTo(2);
            assertThat(errorOf(unknown)).isEqualTo(ErrorCode.UNKNOWN_OPERATION);

            w.write(new Frame(0x7777, 3, new byte[0]));
            assertThat(errorOf(replyOrClose(s))).isEqualTo(ErrorCode.UNKNOWN_OPERATION);

            w.write(new Frame(Op.NAMING_OPEN_LEASE, 4, new BodyWriter().i32(1_000_000).toBytes()));
            assertThat(errorOf(replyOrClose(s))).isEqualTo(ErrorCode.MALFORMED);

            w.write(new Frame(Op.NAMING_RENEW_LEASE, 5, new BodyWriter().i64(1).i64(2).toBytes()));
            assertThat(errorOf(replyOrClose(s))).isEqualTo(ErrorCode.MALFORMED);

            BodyWriter hugeName = new BodyWriter().i64(1).string("x".repeat(5000)).string("").string("h")
                    .i32(1).i64(1).i64(0).i32(0);
            w.write(new Frame(Op.NAMING_REGISTER, 6, hugeName.toBytes()));
            assertThat(errorOf(replyOrClose(s))).isEqualTo(ErrorCode.INVALID_ARGUMENT);

            w.write(new Frame(Op.NAMING_UNWATCH, 7, new BodyWriter().i64(42).toBytes()));
            assertThat(errorOf(replyOrClose(s))).isEqualTo(ErrorCode.NOT_FOUND);

            w.write(new Frame(Op.PING, 8, new byte[0]));
            Frame pong = replyOrClose(s);
            assertThat(pong.type()).isEqualTo(Op.OK);
            assertThat(pong.requestId()).isEqualTo(8);
        }
        assertServerStillServes();
    }

    @Test
    void shouldSurviveAPeerThatVanishesMidHandshake() throws IOException {
        try (Socket s = connect()) {
            InputStream in = s.getInputStream();
            s.getOutputStream().write(new byte[]{0, 0});
            s.shutdownOutput();
            assertThat(in.read()).isEqualTo(-1);
        }
        assertServerStillServes();
    }
}
