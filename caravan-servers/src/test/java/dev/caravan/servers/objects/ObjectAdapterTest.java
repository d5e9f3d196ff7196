package dev.caravan.servers.objects;

import dev.caravan.core.time.ManualClock;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectAdapterTest {
    private final ManualClock clock = new ManualClock(0);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    private ObjectAdapter adapter(ThreadingModel threading) {
        return track(new ObjectAdapter("test", threading, clock));
    }

    private ObjectClient client(Server server) {
        return track(new ObjectClient(new InetSocketAddress("127.0.0.1", server.port())));
    }

    private Server serve(ObjectAdapter adapter) {
        return track(ServerModel.EVENT_LOOP.start(adapter));
    }

    @Test
    void shouldCallTwoObjectsByIdentityThroughProxies() {
        ObjectAdapter adapter = adapter(ThreadingModel.threadPool(4))
                .add("counter", ActivationPolicy.PERSISTENT, 0, CounterServant::new)
                .add("echo", ActivationPolicy.PER_REQUEST, 0, EchoServant::new);
        ObjectClient c = client(serve(adapter));
        ObjectProxy counter = c.proxy("counter");
        ObjectProxy echo = c.proxy("echo");
        assertThat(counter.invoke("incr", "")).isEqualTo("1");
        assertThat(echo.invoke("upper", "caravan")).isEqualTo("CARAVAN");
        assertThat(counter.invoke("incr", "")).isEqualTo("2");
        assertThatThrownBy(() -> c.proxy("missing").invoke("get", ""))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> echo.invoke("explode", ""))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_OPERATION));
        assertThat(echo.invoke("echo", "still served")).isEqualTo("still served");
    }

    @Test
    void perRequestShouldActivateANewServantForEveryCall() {
        ObjectAdapter adapter = adapter(ThreadingModel.singleThreaded())
                .add("c", ActivationPolicy.PER_REQUEST, 0, CounterServant::new);
        ObjectProxy p = client(serve(adapter)).proxy("c");
        assertThat(List.of(p.invoke("incr", ""), p.invoke("incr", ""), p.invoke("incr", ""))).containsOnly("1");
        assertThat(adapter.activations("c")).isEqualTo(3);
        assertThat(adapter.activeServants("c")).isZero();
    }

    @Test
    void perSessionShouldGiveEachClientItsOwnServant() {
        ObjectAdapter adapter = adapter(ThreadingModel.threadPool(2))
                .add("c", ActivationPolicy.PER_SESSION, 0, CounterServant::new);
        Server server = serve(adapter);
        ObjectProxy a = client(server).proxy("c");
        ObjectProxy b = client(server).proxy("c");
        a.invoke("incr", "");
        assertThat(a.invoke("incr", "")).isEqualTo("2");
        assertThat(b.invoke("incr", "")).isEqualTo("1");
        assertThat(adapter.activeServants("c")).isEqualTo(2);
    }

    @Test
    void persistentShouldShareOneServantActivatedLazily() {
        AtomicInteger created = new AtomicInteger();
        ObjectAdapter adapter = adapter(ThreadingModel.threadPool(2))
                .add("c", ActivationPolicy.PERSISTENT, 0, () -> {
                    created.incrementAndGet();
                    return new CounterServant();
                });
        Server server = serve(adapter);
        assertThat(created).as("nothing before the first call").hasValue(0);
        client(server).proxy("c").invoke("incr", "");
        assertThat(client(server).proxy("c").invoke("incr", "")).isEqualTo("2");
        clock.advanceMs(1_000_000);
        assertThat(adapter.evictIdle()).as("no idle timeout: lives as long as the adapter").isZero();
        assertThat(created).hasValue(1);
    }

    @Test
    void shouldDeactivateIdleServantsAndReactivateOnNextCall() {
        List<String> life = new ArrayList<>();
        ObjectAdapter adapter = adapter(ThreadingModel.singleThreaded())
                .add("c", ActivationPolicy.PERSISTENT, 5_000, () -> new Servant() {
                    private final CounterServant counter = new CounterServant();

                    @Override
                    public String invoke(String operation, String argument) {
                        return counter.invoke(operation, argument);
                    }

                    @Override
                    public void onActivate() {
                        life.add("activate");
                    }

                    @Override
                    public void onDeactivate() {
                        life.add("deactivate");
                    }
                });
        ObjectProxy p = client(serve(adapter)).proxy("c");
        assertThat(adapter.activeServants("c")).isZero();
        p.invoke("incr", "");
        assertThat(adapter.activeServants("c")).isEqualTo(1);
        clock.advanceMs(4_999);
        assertThat(adapter.evictIdle()).isZero();
        clock.advanceMs(1);
        assertThat(adapter.evictIdle()).isEqualTo(1);
        assertThat(adapter.activeServants("c")).isZero();
        assertThat(p.invoke("incr", "")).as("a fresh servant").isEqualTo("1");
        assertThat(life).containsExactly("activate", "deactivate", "activate");
    }

    @Test
    void singleThreadedAdapterShouldRunOneCallAtATimeWhilePoolRunsThemTogether() throws Exception {
        assertThat(maxConcurrentCalls(ThreadingModel.singleThreaded())).isEqualTo(1);
        assertThat(maxConcurrentCalls(ThreadingModel.threadPool(2))).isEqualTo(2);
    }

    private int maxConcurrentCalls(ThreadingModel threading) throws Exception {
        BlockingServant.reset();
        ObjectAdapter adapter = adapter(threading).add("slow", ActivationPolicy.PERSISTENT, 0, BlockingServant::new);
        Server server = ServerModel.VIRTUAL_THREADS.start(adapter);
        track(server);
        Thread first = Thread.ofVirtual().start(() -> client(server).proxy("slow").invoke("block", ""));
        BlockingServant.entered.acquire();
        Thread second = Thread.ofVirtual().start(() -> client(server).proxy("slow").invoke("block", ""));
        if (threading.threads() == 1) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> adapter.queuedInvocations() == 1);
        } else {
            BlockingServant.entered.acquire();
        }
        BlockingServant.gate.countDown();
        first.join(10_000);
        second.join(10_000);
        return BlockingServant.max.get();
    }

    @Test
    void shouldAnswerMalformedFramesWithAnErrorAndKeepServingOthers() throws IOException {
        ObjectAdapter adapter = adapter(ThreadingModel.singleThreaded()).add("echo", ActivationPolicy.PERSISTENT, 0, EchoServant::new);
        Server server = serve(adapter);
        ObjectProxy good = client(server).proxy("echo");
        assertThat(errorFrom(server, new byte[]{0, 0, 0, 2, 0, 0})).contains("MALFORMED").contains("shorter than its header");
        // a string length running past the frame end
        assertThat(errorFrom(server, ByteBuffer.allocate(14).putInt(10).putInt(1).putShort((short) 300).putInt(0).array()))
                .contains("overruns the frame");
        assertThat(errorFrom(server, ByteBuffer.allocate(4).putInt(1 << 30).array())).contains("TOO_LARGE");
        assertThat(good.invoke("echo", "fine")).isEqualTo("fine");
    }

    private static String errorFrom(Server server, byte[] bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            new DataOutputStream(s.getOutputStream()).write(bytes);
            ByteBuffer reply = ByteBuffer.wrap(s.getInputStream().readAllBytes());
            reply.getInt();
            assertThat(reply.getInt()).isEqualTo(ObjectCodec.ERROR_CALL_ID);
            ErrorCode code = ErrorCode.of(reply.getInt());
            byte[] msg = new byte[reply.getShort()];
            reply.get(msg);
            return code + " " + new String(msg, StandardCharsets.UTF_8);
        }
    }
}
