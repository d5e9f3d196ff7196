package dev.caravan.servers.resp;

import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.OffHeapBytes;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.SessionLinkConnection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Big values over a session link into an endpoint whose clients must authenticate: the link has
 * the full limits once admitted, its batches carry off-heap arguments and replies both ways
 * (a batch longer than one decoded batch keeps its arguments until it runs), and nothing is left
 * off-heap afterwards. A client connected directly still gets Redis's unauthenticated limits.
 */
class LinkedBigValueTest {
    private static final ServerOptions OPTIONS = ServerOptions.defaults().withWorkers(4).withLoops(2).withName("linked-big");
    /** Three of them pass the endpoint's 64 MiB unanswered window: the link's batch arrives over several decoded batches. */
    private static final int VALUE_BYTES = 30 << 20;

    /** ECHO answers its argument by reference; LEN its length, after checking the argument is still held. */
    private static final class EchoHandler implements RespCommandHandler {
        @Override
        public Reply[] execute(RespSession session, List<Command> batch) {
            Reply[] out = new Reply[batch.size()];
            for (int i = 0; i < out.length; i++) {
                Command c = batch.get(i);
                out[i] = switch (c.name()) {
                    case "ECHO" -> c.isOffHeap(1) ? new Reply.OffHeapBulk(c.offHeap(1).retain()) : new Reply.Bulk(c.arg(1));
                    case "LEN" -> c.isOffHeap(1) && !c.offHeap(1).isLive() ? Reply.error("ERR released too early")
                            : Reply.integer(c.length(1));
                    case "ARGS" -> Reply.integer(c.size());
                    default -> Reply.error("ERR unknown");
                };
            }
            return out;
        }
    }

    private static Command big(String name, byte[] value) {
        return new Command(new byte[][] {name.getBytes(), null}, new OffHeapBytes[] {null, OffHeapBytes.copyOf(value)});
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldCarryBigValuesOverALinkWithTheFullLimitsWhereClientsMustAuthenticate(ServerModel model) throws Exception {
        long before = OffHeapBytes.liveValues();
        byte[] value = new byte[VALUE_BYTES];
        new Random(3).nextBytes(value);
        RespProtocol protocol = new RespProtocol(new EchoHandler(), RespLimits.DEFAULTS, true).withSessionLink("secret");
        try (Server server = model.start(protocol, OPTIONS)) {
            try (SessionLinkConnection link = SessionLinkConnection.open(server.address(), "secret")) {
                Command[] batch = {big("LEN", value), big("LEN", value), big("LEN", value), big("ECHO", value),
                        Command.of("ARGS", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")};
                Reply[] replies;
                try {
                    replies = link.batch(9, "10.0.0.1:1", "10.0.0.2:2", batch);
                } finally {
                    for (Command c : batch) {
                        c.release();
                    }
                }
                assertThat(replies).hasSize(5);
                assertThat(List.of(replies).subList(0, 3)).containsOnly(Reply.integer(VALUE_BYTES));
                assertThat(replies[3]).as("read off-heap by the forwarder").isInstanceOf(Reply.OffHeapBulk.class);
                assertThat(((Reply.OffHeapBulk) replies[3]).value().contentEquals(value)).isTrue();
                Reply.release(replies[3]);
                assertThat(replies[4]).as("12 elements: over the unauthenticated 10").isEqualTo(Reply.integer(12));

                assertThat(link.batch(9, "10.0.0.1:1", "10.0.0.2:2", new Command[] {Command.of("ARGS")}))
                        .as("the link still works").containsExactly(Reply.integer(1));
            }
            // After the link: the iterative model serves one connection at a time.
            try (RespSessionTest.Client direct = new RespSessionTest.Client(server.address())) {
                direct.send("ARGS", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11");
                assertThat(direct.reader.read()).isEqualTo(Reply.error("ERR Protocol error: unauthenticated multibulk length"));
            }
        }
        await("nothing left off-heap").atMost(Duration.ofSeconds(10)).until(() -> OffHeapBytes.liveValues() <= before);
    }
}
