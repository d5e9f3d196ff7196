package dev.caravan.servers.model;

import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.servers.resp.RespSession;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.OffHeapBytes;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.CommandBudget;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.RespReplyReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Values far bigger than the off-heap threshold through every model: the handler sees them
 * off-heap, a reply of one goes to the socket from off-heap memory, and a connection that ends
 * mid-value or goes over a limit leaves nothing behind.
 */
class BigValueServingTest {
    private static final ServerOptions OPTIONS = ServerOptions.defaults().withWorkers(4).withLoops(2).withName("big");
    private static final int VALUE_BYTES = 20 << 20;

    /** SET keeps the value (its own reference), GET answers with it by reference. */
    private static final class OneValueStore {
        final AtomicReference<OffHeapBytes> value = new AtomicReference<>();
        final List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());

        Reply[] execute(RespSession session, List<Command> batch) {
            Reply[] out = new Reply[batch.size()];
            for (int i = 0; i < out.length; i++) {
                Command c = batch.get(i);
                seen.add(c.name());
                out[i] = switch (c.name()) {
                    case "SET" -> {
                        OffHeapBytes old = value.getAndSet(c.offHeap(2).retain());
                        if (old != null) {
                            old.release();
                        }
                        yield Reply.OK;
                    }
                    case "GET" -> new Reply.OffHeapBulk(value.get().retain());
                    case "AUTH" -> Reply.OK;
                    default -> new Reply.Simple("PONG");
                };
            }
            return out;
        }

        void clear() {
            OffHeapBytes old = value.getAndSet(null);
            if (old != null) {
                old.release();
            }
        }
    }

    /** Writes {@code n} pseudo-random bytes, generated as they go, and returns their CRC-32. */
    private static long streamBytes(OutputStream out, long n, long seed) throws IOException {
        CRC32 crc = new CRC32();
        byte[] block = new byte[64 * 1024];
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (long sent = 0; sent < n; ) {
            int len = (int) Math.min(block.length, n - sent);
            random.nextBytes(block);
            crc.update(block, 0, len);
            out.write(block, 0, len);
            sent += len;
        }
        return crc.getValue();
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldStoreAndServeAValueOffHeap(ServerModel model) throws Exception {
        OneValueStore store = new OneValueStore();
        try (Server server = model.start(new RespProtocol(store::execute), OPTIONS); WireClient c = new WireClient(server.address())) {
            c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + VALUE_BYTES + "\r\n");
            long sentCrc = streamBytes(c.out, VALUE_BYTES, 7);
            c.send("\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");

            assertThat(readLine(c.in)).isEqualTo("+OK");
            assertThat(readLine(c.in)).isEqualTo("$" + VALUE_BYTES);
            CRC32 got = new CRC32();
            byte[] block = new byte[64 * 1024];
            for (long left = VALUE_BYTES; left > 0; ) {
                int n = c.in.read(block, 0, (int) Math.min(block.length, left));
                assertThat(n).isPositive();
                got.update(block, 0, n);
                left -= n;
            }
            assertThat(got.getValue()).isEqualTo(sentCrc);
            assertThat(readLine(c.in)).isEmpty();
        } finally {
            store.clear();
        }
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldAnswerPipelinedBigValuesInOrder(ServerModel model) throws Exception {
        OneValueStore store = new OneValueStore();
        long size = 40L << 20;
        try (Server server = model.start(new RespProtocol(store::execute), OPTIONS); WireClient c = new WireClient(server.address())) {
            long[] crc = new long[2];
            // One thread sends the whole pipeline while this one reads, as a pipelining client does.
            java.util.concurrent.CompletableFuture<Void> sent = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 2; i++) {
                        c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + size + "\r\n");
                        crc[i] = streamBytes(c.out, size, 20 + i);
                        c.send("\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            for (int i = 0; i < 2; i++) {
                assertThat(readLine(c.in)).isEqualTo("+OK");
                assertThat(readLine(c.in)).isEqualTo("$" + size);
                CRC32 got = new CRC32();
                byte[] block = new byte[64 * 1024];
                for (long left = size; left > 0; ) {
                    int n = c.in.read(block, 0, (int) Math.min(block.length, left));
                    assertThat(n).isPositive();
                    got.update(block, 0, n);
                    left -= n;
                }
                sent.join();
                assertThat(got.getValue()).isEqualTo(crc[i]);
                assertThat(readLine(c.in)).isEmpty();
            }
        } finally {
            store.clear();
        }
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldReleaseAValueCutOffMidwayAndKeepServing(ServerModel model) throws Exception {
        OneValueStore store = new OneValueStore();
        long before = OffHeapBytes.liveValues();
        try (Server server = model.start(new RespProtocol(store::execute), OPTIONS)) {
            try (WireClient c = new WireClient(server.address())) {
                c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + VALUE_BYTES + "\r\n");
                streamBytes(c.out, VALUE_BYTES / 2, 8);
                c.out.flush();
            }
            await("the half-read value is released and the connection gone").atMost(Duration.ofSeconds(10))
                    .until(() -> OffHeapBytes.liveValues() <= before && server.activeConnections() == 0);
            assertThat(store.seen).doesNotContain("SET");
            try (WireClient other = new WireClient(server.address())) {
                other.send("PING\r\n");
                assertThat(readLine(other.in)).isEqualTo("+PONG");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldCloseWithoutAReplyOverTheQueryBufferLimit(ServerModel model) throws Exception {
        RespLimits limits = RespLimits.DEFAULTS.withMaxQueryBytes(2 << 20);
        try (Server server = model.start(new RespProtocol(new OneValueStore()::execute, limits), OPTIONS);
             WireClient c = new WireClient(server.address())) {
            c.send("*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + (1 << 20) + "\r\n");
            streamBytes(c.out, 1 << 20, 9);
            c.send("\r\n$" + ((1 << 20) + 1) + "\r\n");

            assertThat(c.readToEnd()).as("Redis closes such a client without a reply").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldApplyRedisLimitsUntilTheClientAuthenticates(ServerModel model) throws Exception {
        OneValueStore store = new OneValueStore();
        try (Server server = model.start(new RespProtocol(store::execute, RespLimits.DEFAULTS, true), OPTIONS)) {
            try (WireClient c = new WireClient(server.address())) {
                c.send("*11\r\n");
                assertThat(c.readToEnd()).isEqualTo("-ERR Protocol error: unauthenticated multibulk length\r\n");
            }
            try (WireClient c = new WireClient(server.address())) {
                // AUTH and a long command in one write: the second is read only after AUTH's reply, as Redis reads.
                c.send("*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*11\r\n" + "$4\r\nPING\r\n".repeat(11));
                assertThat(readLine(c.in)).isEqualTo("+OK");
                assertThat(readLine(c.in)).isEqualTo("+PONG");
            }
        }
        assertThat(CommandBudget.UNAUTHENTICATED_MAX_BULK_BYTES).isEqualTo(16384);
    }

    /**
     * The process-thread model with a handler that answers later on another thread (a node's
     * frozen process): a big argument stays live until the batch is answered, and an off-heap
     * reply for a client that left meanwhile is released, not leaked.
     */
    @Test
    void shouldHoldArgumentsUntilAnsweredLaterAndReleaseTheRepliesOfAClientThatLeft() throws Exception {
        OneValueStore store = new OneValueStore();
        java.util.concurrent.BlockingQueue<Runnable> later = new java.util.concurrent.LinkedBlockingQueue<>();
        dev.caravan.servers.resp.RespCommandHandler handler = new dev.caravan.servers.resp.RespCommandHandler() {
            @Override
            public Reply[] execute(RespSession session, List<Command> batch) {
                return store.execute(session, batch);
            }

            @Override
            public void execute(RespSession session, List<Command> batch, java.util.function.Consumer<Reply[]> done) {
                later.add(() -> done.accept(store.execute(session, batch)));
            }
        };
        long before = OffHeapBytes.liveValues();
        try (Server server = ServerModel.PROCESS_THREAD.start(new RespProtocol(handler), OPTIONS)) {
            Runnable get;
            try (WireClient c = new WireClient(server.address())) {
                c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + VALUE_BYTES + "\r\n");
                streamBytes(c.out, VALUE_BYTES, 10);
                c.send("\r\n");
                Runnable set = later.poll(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(set).as("the SET batch reached the handler").isNotNull();
                set.run(); // on this thread, after the serving thread moved on: the argument must still be live
                assertThat(readLine(c.in)).isEqualTo("+OK");
                c.send("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
                get = later.poll(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(get).as("the GET batch reached the handler").isNotNull();
            }
            await("the client that left is closed").atMost(Duration.ofSeconds(10)).until(() -> server.activeConnections() == 0);
            get.run(); // an off-heap reply nobody will read
            store.clear();
            await("nothing is left off-heap").atMost(Duration.ofSeconds(10)).until(() -> OffHeapBytes.liveValues() <= before);
        }
    }

    @Test
    void shouldReadBackWhatItWroteThroughAnOffHeapReplyReader() throws Exception {
        OneValueStore store = new OneValueStore();
        try (Server server = ServerModel.EVENT_LOOP.start(new RespProtocol(store::execute), OPTIONS);
             WireClient c = new WireClient(server.address())) {
            byte[] value = new byte[3 << 20];
            new java.util.Random(5).nextBytes(value);
            c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + value.length + "\r\n");
            c.out.write(value);
            c.send("\r\nGET k\r\n");
            RespReplyReader r = new RespReplyReader(c.in, RespLimits.DEFAULTS);
            assertThat(r.read()).isEqualTo(Reply.OK);
            Reply.OffHeapBulk got = (Reply.OffHeapBulk) r.read();
            assertThat(got.value().contentEquals(value)).isTrue();
            Reply.release(got);
        } finally {
            store.clear();
        }
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int ch = in.read();
            if (ch < 0) {
                throw new IOException("closed inside a line: " + b);
            }
            if (ch == '\n' && b.length() > 0 && b.charAt(b.length() - 1) == '\r') {
                return b.substring(0, b.length() - 1);
            }
            b.append((char) ch);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
