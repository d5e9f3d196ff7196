package dev.caravan.servers.superserver;

import dev.caravan.core.time.ManualClock;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespReplyReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SuperserverTest {
    private final ManualClock clock = new ManualClock(0);

    @Test
    void shouldStartInProcessServiceOnFirstConnectionAndStopItWhenIdle() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        ServiceSpec spec = new ServiceSpec("echo", 0, ServerModel.EVENT_LOOP, "resp-echo", false, 1_000);
        try (Superserver s = new Superserver(List.of(spec), "127.0.0.1", clock, events::add)) {
            assertThat(s.running("echo")).isFalse();
            try (Socket c = new Socket("127.0.0.1", s.port("echo"))) {
                assertThat(call(c, "ECHO", "hi")).isEqualTo("hi");
                assertThat(s.running("echo")).isTrue();
                assertThat(call(c, "PID")).isEqualTo(String.valueOf(ProcessHandle.current().pid()));
                clock.advanceMs(5_000);
                assertThat(s.reapIdle()).as("busy services stay").isZero();
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> {
                s.reapIdle();
                clock.advanceMs(600);
                return !s.running("echo");
            });
            try (Socket c = new Socket("127.0.0.1", s.port("echo"))) {
                assertThat(call(c, "PING")).isEqualTo("PONG");
            }
            assertThat(events).filteredOn(e -> e.startsWith("started echo")).hasSize(2);
        }
    }

    @Test
    void shouldHandTheAcceptedDescriptorToAChildJvm() throws Exception {
        ServiceSpec spec = new ServiceSpec("crc", 0, ServerModel.VIRTUAL_THREADS, "resp-echo", true, 1_000);
        try (Superserver s = new Superserver(List.of(spec), "127.0.0.1", clock, e -> { })) {
            long childPid;
            try (Socket c = new Socket("127.0.0.1", s.port("crc")); Socket d = new Socket("127.0.0.1", s.port("crc"))) {
                String pid = call(c, "PID");
                assertThat(pid).isNotEqualTo(String.valueOf(ProcessHandle.current().pid()));
                assertThat(call(d, "PID")).as("kept for later connections").isEqualTo(pid);
                assertThat(call(c, "ECHO", "through the passed descriptor")).contains("through the passed descriptor");
                childPid = Long.parseLong(s.where("crc").substring(4));
                assertThat(ProcessHandle.of(childPid)).isPresent();
            }
            s.stop("crc");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> ProcessHandle.of(childPid).map(h -> !h.isAlive()).orElse(true));
        }
    }

    @Test
    void shouldStopAChildJvmServiceAfterItsIdleTimeout() throws Exception {
        for (ServerModel model : List.of(ServerModel.VIRTUAL_THREADS, ServerModel.EVENT_LOOP)) {
            List<String> events = new CopyOnWriteArrayList<>();
            ServiceSpec spec = new ServiceSpec("crc", 0, model, "resp-echo", true, 1_000);
            try (Superserver s = new Superserver(List.of(spec), "127.0.0.1", clock, events::add)) {
                long childPid;
                try (Socket c = new Socket("127.0.0.1", s.port("crc"))) {
                    childPid = Long.parseLong(call(c, "PID"));
                    assertThat(childPid).isNotEqualTo(ProcessHandle.current().pid());
                    clock.advanceMs(5_000);
                    assertThat(s.reapIdle()).as("a child with an open connection stays (" + model + ")").isZero();
                    assertThat(s.reapIdle()).isZero();
                    assertThat(call(c, "ECHO", "still here")).isEqualTo("still here");
                }
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() -> {
                    s.reapIdle();
                    clock.advanceMs(600);
                    return !s.running("crc");
                });
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                        .until(() -> ProcessHandle.of(childPid).map(h -> !h.isAlive()).orElse(true));
                try (Socket c = new Socket("127.0.0.1", s.port("crc"))) {
                    String pid = call(c, "PID");
                    assertThat(Long.parseLong(pid)).as("a new child JVM").isNotEqualTo(childPid).isNotEqualTo(ProcessHandle.current().pid());
                }
                assertThat(events).filteredOn(e -> e.startsWith("started crc")).hasSize(2);
                assertThat(events).contains("stopped crc");
            }
        }
    }

    @Test
    void shouldRejectBadConfigLinesNamingTheLine() {
        assertThatThrownBy(() -> SuperserverConfig.parse(List.of("# c", "echo 7001 event-loop resp-echo in-process")))
                .hasMessageContaining("line 2").hasMessageContaining("6 fields");
        assertThatThrownBy(() -> SuperserverConfig.parse(List.of("echo 7001 warp-drive resp-echo jvm 10")))
                .hasMessageContaining("unknown server model");
        assertThat(SuperserverConfig.parse(List.of("echo 0 hybrid http jvm 10 # comment"))).hasSize(1);
    }

    private static String call(Socket c, String... args) throws IOException {
        c.setSoTimeout(20_000);
        RespCommandWriter w = new RespCommandWriter(c.getOutputStream());
        w.write(Command.of(args));
        w.flush();
        return switch (new RespReplyReader(c.getInputStream()).read()) {
            case Reply.Bulk b -> b.text();
            case Reply.Simple v -> v.text();
            case Reply.Int i -> String.valueOf(i.value());
            case Reply r -> r.toString();
        };
    }
}
