package dev.caravan.servers.model;

import dev.caravan.servers.binary.BinaryCodec;
import dev.caravan.servers.binary.BinaryProtocol;
import dev.caravan.servers.binary.RequestDelay;
import dev.caravan.servers.http.HttpProtocol;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespReplyReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/** Every model serves the same handlers, pipelined, and survives bad input on a connection. */
class ServerModelTest {
    private static final ServerOptions OPTIONS = ServerOptions.defaults().withWorkers(4).withLoops(2).withName("test");

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldAnswerPipelinedBinaryRequestsInOrder(ServerModel model) throws Exception {
        try (Server server = model.start(BinaryProtocol.crc32(), OPTIONS); WireClient c = new WireClient(server.address())) {
            for (int id = 1; id <= 50; id++) {
                c.sendBinary(id, ("payload-" + id).getBytes(StandardCharsets.UTF_8));
            }
            c.out.flush();
            for (int id = 1; id <= 50; id++) {
                assertThat(c.in.readInt()).isEqualTo(8);
                assertThat(c.in.readInt()).isEqualTo(id);
                CRC32 crc = new CRC32();
                crc.update(("payload-" + id).getBytes(StandardCharsets.UTF_8));
                assertThat(c.in.readInt()).isEqualTo((int) crc.getValue());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldServeHttpKeepAliveAndPipelining(ServerModel model) throws Exception {
        try (Server server = model.start(HttpProtocol.plaintext(RequestDelay.NONE), OPTIONS); WireClient c = new WireClient(server.address())) {
            c.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.readHttpResponse()).startsWith("HTTP/1.1 200 OK").endsWith("Hello, World!");
            c.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /plaintext HTTP/1.1\r\nConnection: close\r\n\r\n");
            assertThat(c.readHttpResponse()).endsWith("Hello, World!");
            assertThat(c.readHttpResponse()).startsWith("HTTP/1.1 404");
            assertThat(c.readHttpResponse()).endsWith("Hello, World!");
            assertThat(c.in.read()).as("closed after Connection: close").isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldServeRespWithQuit(ServerModel model) throws Exception {
        RespProtocol resp = new RespProtocol((session, batch) -> batch.stream()
                .map(c -> switch (c.name()) {
                    case "PING" -> new Reply.Simple("PONG");
                    case "QUIT" -> new Reply.Closing(Reply.bulk("QUIT"));
                    default -> Reply.bulk(c.text(c.size() - 1));
                })
                .toArray(Reply[]::new));
        try (Server server = model.start(resp, OPTIONS); WireClient c = new WireClient(server.address())) {
            RespCommandWriter w = new RespCommandWriter(c.out);
            w.write(Command.of("PING"));
            w.write(Command.of("ECHO", "hello world"));
            w.flush();
            c.send("ECHO inline\r\nQUIT\r\n");
            RespReplyReader r = new RespReplyReader(c.in);
            assertThat(r.read()).isEqualTo(new Reply.Simple("PONG"));
            assertThat(((Reply.Bulk) r.read()).text()).isEqualTo("hello world");
            assertThat(((Reply.Bulk) r.read()).text()).isEqualTo("inline");
            assertThat(((Reply.Bulk) r.read()).text()).isEqualTo("QUIT");
            assertThat(c.in.read()).isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldAnswerMalformedInputAndKeepServingOthers(ServerModel model) throws Exception {
        try (Server bin = model.start(BinaryProtocol.crc32(), OPTIONS);
             Server http = model.start(HttpProtocol.plaintext(RequestDelay.NONE), OPTIONS);
             Server resp = model.start(new RespProtocol((session, b) -> b.stream().map(x -> Reply.OK).toArray(Reply[]::new)), OPTIONS)) {
            try (WireClient bad = new WireClient(bin.address())) {
                bad.out.writeInt(2);
                bad.out.flush();
                int len = bad.in.readInt();
                assertThat(bad.in.readInt()).isEqualTo(BinaryCodec.ERROR_ID);
                assertThat(bad.in.readInt()).isEqualTo(ErrorCode.MALFORMED.value());
                assertThat(new String(bad.in.readNBytes(len - 8), StandardCharsets.UTF_8)).contains("shorter than its 4-byte id");
                assertThat(bad.in.read()).isEqualTo(-1);
            }
            try (WireClient bad = new WireClient(bin.address())) {
                bad.out.writeInt(Integer.MAX_VALUE);
                bad.out.flush();
                bad.in.readInt();
                bad.in.readInt();
                assertThat(bad.in.readInt()).isEqualTo(ErrorCode.TOO_LARGE.value());
            }
            try (WireClient bad = new WireClient(http.address())) {
                bad.send("BROKEN\r\n\r\n");
                assertThat(bad.readToEnd()).startsWith("HTTP/1.1 400 Bad Request").contains("bad request line");
            }
            try (WireClient bad = new WireClient(resp.address())) {
                bad.send("*1\r\n$x\r\n");
                assertThat(bad.readToEnd()).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
            }
            shouldAnswerPipelinedBinaryRequestsAfterwards(bin);
            try (WireClient good = new WireClient(http.address())) {
                good.send("GET /plaintext HTTP/1.1\r\n\r\n");
                assertThat(good.readHttpResponse()).endsWith("Hello, World!");
            }
        }
    }

    private static void shouldAnswerPipelinedBinaryRequestsAfterwards(Server server) throws Exception {
        try (WireClient c = new WireClient(server.address())) {
            c.sendBinary(7, new byte[]{1, 2, 3});
            c.out.flush();
            assertThat(c.in.readInt()).isEqualTo(8);
            assertThat(c.in.readInt()).isEqualTo(7);
        }
    }
}
