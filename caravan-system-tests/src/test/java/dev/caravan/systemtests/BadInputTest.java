package dev.caravan.systemtests;

import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.FrameReader;
import dev.caravan.wire.FrameWriter;
import dev.caravan.wire.Op;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Bad bytes on the node control port and on a data endpoint: refused, isolated, and harmless to others. */
class BadInputTest {
    private static final int READ_TIMEOUT_MS = 10_000;
    private static CaravanCluster cluster;
    private static ProcessInfo kv;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(1).start();
        kv = cluster.deployKv("bad-input", "n1");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** What the server sent back before it closed the connection. */
    private record Answer(List<Frame> frames, boolean closed) {
    }

    private static byte[] header(int length, int version, int type, long requestId) {
        return ByteBuffer.allocate(15).putInt(length).put((byte) version).putShort((short) type).putLong(requestId).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static byte[] hello() {
        return FrameWriter.encode(new Hello("system-test", "").toFrame(1));
    }

    static Stream<Arguments> malformedControlInput() {
        byte[] truncatedBody = concat(header(100, Frame.VERSION, Op.NODE_LIST, 2), new byte[] {1, 2, 3, 4, 5});
        return Stream.of(
                arguments(Named.of("garbage bytes", "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                        ErrorCode.TOO_LARGE),
                arguments(Named.of("oversized length", header(Integer.MAX_VALUE, Frame.VERSION, Op.HELLO, 1)),
                        ErrorCode.TOO_LARGE),
                arguments(Named.of("negative length", header(-1, Frame.VERSION, Op.HELLO, 1)), ErrorCode.MALFORMED),
                arguments(Named.of("length shorter than the header", header(3, Frame.VERSION, Op.HELLO, 1)), ErrorCode.MALFORMED),
                arguments(Named.of("wrong wire version", concat(header(11 + 4, 9, Op.HELLO, 1), new byte[4])),
                        ErrorCode.UNSUPPORTED_VERSION),
                arguments(Named.of("frame before HELLO", FrameWriter.encode(new Frame(Op.NODE_LIST, 7, new byte[0]))),
                        ErrorCode.UNAUTHENTICATED),
                arguments(Named.of("HELLO with a malformed body", FrameWriter.encode(new Frame(Op.HELLO, 1, new byte[] {0, 0, 0, 99}))),
                        ErrorCode.MALFORMED),
                arguments(Named.of("truncated frame after HELLO", concat(hello(), truncatedBody)), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedControlInput")
    void shouldRefuseMalformedControlInputAndKeepServingOthers(byte[] input, ErrorCode expected) throws Exception {
        Answer answer = sendAndHalfClose(cluster.controlAddress("n1"), input);

        assertThat(answer.closed()).as("the server closes a connection whose byte stream is out of step").isTrue();
        List<Frame> errors = answer.frames().stream().filter(f -> f.type() != Op.OK).toList();
        assertThat(errors).allSatisfy(f -> assertThat(f.type()).isEqualTo(Op.ERROR));
        if (expected != null) {
            assertThat(errors).as("an error frame says why").hasSize(1);
            assertThat(ErrorCode.of(errors.getFirst().reader().u16())).isEqualTo(expected);
        }
        assertWellBehavedControlClientIsServed();
    }

    @Test
    void shouldAnswerUnknownOperationWithErrorAndKeepConnectionOpen() {
        try (FrameClient raw = FrameClient.connect(cluster.controlAddress("n1"), new Hello("system-test", ""),
                Duration.ofSeconds(10))) {
            Frame unknown = raw.call(0x7777, new byte[0], Duration.ofSeconds(10));
            Frame namingOp = raw.call(Op.NAMING_LIST, new BodyWriter().string("").toBytes(), Duration.ofSeconds(10));
            Frame ping = raw.call(Op.PING, new byte[0], Duration.ofSeconds(10));

            assertThat(unknown.type()).isEqualTo(Op.ERROR);
            assertThat(ErrorCode.of(unknown.reader().u16())).isEqualTo(ErrorCode.UNKNOWN_OPERATION);
            assertThat(namingOp.type()).isEqualTo(Op.ERROR);
            assertThat(ErrorCode.of(namingOp.reader().u16())).as("a naming op sent to a node").isEqualTo(ErrorCode.UNKNOWN_OPERATION);
            assertThat(ping.type()).as("the connection still works").isEqualTo(Op.OK);
        }
        assertWellBehavedControlClientIsServed();
    }

    private static void assertWellBehavedControlClientIsServed() {
        try (NodeControl good = NodeControl.connect(cluster.controlAddress("n1"), "good-client", "", Duration.ofSeconds(10))) {
            assertThat(good.list()).extracting(ProcessInfo::name).contains("bad-input");
        }
    }

    /** Sends {@code input}, half-closes, and reads frames until the server closes (or the timeout). */
    private static Answer sendAndHalfClose(InetSocketAddress address, byte[] input) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, READ_TIMEOUT_MS);
            s.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            try {
                out.write(input);
                out.flush();
                s.shutdownOutput();
            } catch (IOException e) {
                // The server may close before it has read everything; what it sent is still readable.
            }
            FrameReader reader = new FrameReader(s.getInputStream(), 1 << 20);
            List<Frame> frames = new ArrayList<>();
            try {
                for (Frame f = reader.read(); f != null; f = reader.read()) {
                    frames.add(f);
                }
                return new Answer(frames, true);
            } catch (SocketTimeoutException e) {
                return new Answer(frames, false);
            } catch (IOException e) {
                // Connection reset: closed, possibly before everything arrived.
                return new Answer(frames, true);
            }
        }
    }

    static Stream<Arguments> malformedResp() {
        return Stream.of(
                arguments(Named.of("bad multibulk length", "*abc\r\n")),
                arguments(Named.of("bad bulk length", "*1\r\n$xyz\r\n")),
                arguments(Named.of("expected $", "*1\r\n:5\r\n")),
                arguments(Named.of("unbalanced quotes inline", "SET \"a b\r\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedResp")
    void shouldAnswerProtocolErrorAndCloseOnlyThatDataConnection(String garbage) throws Exception {
        InetSocketAddress data = CaravanCluster.dataAddress(kv);
        try (RespConnection other = new RespConnection(data)) {
            assertThat(other.call("SET", "acked", "before")).isEqualTo(Reply.OK);
            String pipelinedSet = "*3\r\n$3\r\nSET\r\n$9\r\npipelined\r\n$3\r\nyes\r\n";

            String answer = sendRawAndReadUntilClose(data, pipelinedSet + garbage);

            assertThat(answer).as("the command before the bad one is answered").startsWith("+OK\r\n");
            assertThat(answer.substring(5)).startsWith("-ERR Protocol error").endsWith("\r\n");
            assertThat(answer.lines().count()).as("nothing after the error; then the connection closes").isEqualTo(2);
            assertThat(other.call("GET", "acked")).isInstanceOfSatisfying(Reply.Bulk.class,
                    b -> assertThat(b.text()).isEqualTo("before"));
            assertThat(other.call("GET", "pipelined")).isInstanceOfSatisfying(Reply.Bulk.class,
                    b -> assertThat(b.text()).isEqualTo("yes"));
        }
        try (RespConnection fresh = new RespConnection(data)) {
            assertThat(fresh.call("PING")).isEqualTo(new Reply.Simple("PONG"));
        }
    }

    /** Sends raw bytes (without half-closing) and returns everything read until the server closes. */
    private static String sendRawAndReadUntilClose(InetSocketAddress address, String bytes) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, READ_TIMEOUT_MS);
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.getOutputStream().write(bytes.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the data endpoint did not close the connection after a protocol error", e);
            }
        }
    }
}
