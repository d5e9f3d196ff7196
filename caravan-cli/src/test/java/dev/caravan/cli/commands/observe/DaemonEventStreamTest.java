package dev.caravan.cli.commands.observe;

import com.sun.net.httpserver.HttpServer;
import dev.caravan.observe.DaemonMetrics;
import dev.caravan.observe.Event;
import dev.caravan.observe.EventKind;
import dev.caravan.observe.EventLog;
import dev.caravan.observe.LogLines;
import dev.caravan.observe.ObserveServer;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A followed daemon's stream resumes with Last-Event-ID after a break and after an overflow. */
class DaemonEventStreamTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @Test
    void shouldResumeAfterTheServerEndsTheStreamWithoutLosingOrRepeatingEvents() throws Exception {
        EventLog log = new EventLog("n1");
        AtomicBoolean registered = new AtomicBoolean(true);
        List<Event> seen = new CopyOnWriteArrayList<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        try (DaemonMetrics metrics = new DaemonMetrics("node", "n1");
             ObserveServer server = ObserveServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "", metrics, log,
                     LogLines.shared())) {
            String at = "127.0.0.1:" + server.address().getPort();
            DaemonEventStream stream = new DaemonEventStream(new AdminClient(""), "n1", at, 0, seen::add, problems::add, registered::get);
            Thread t = Thread.ofVirtual().start(stream);
            log.publish(EventKind.NOTICE, "n1", "one");
            log.publish(EventKind.NOTICE, "n1", "two");
            await().atMost(BOUND).until(() -> seen.size() == 2);

            server.endStreams();
            log.publish(EventKind.NOTICE, "n1", "three");
            await().atMost(BOUND).until(() -> seen.size() >= 3 && stream.connections() >= 2);
            log.publish(EventKind.NOTICE, "n1", "four");
            await().atMost(BOUND).until(() -> seen.size() >= 4);

            assertThat(seen).extracting(Event::message).containsExactly("one", "two", "three", "four");
            assertThat(problems).isEmpty();
            registered.set(false);
            server.endStreams();
            t.join(BOUND.toMillis());
            assertThat(t.isAlive()).as("a stream whose daemon left naming is not followed again").isFalse();
        }
    }

    @Test
    void shouldReportAnOverflowOnceAndResumeAfterTheLastEventSeen() throws Exception {
        List<String> lastEventIds = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        HttpServer fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        fake.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        fake.createContext("/events", exchange -> {
            String last = exchange.getRequestHeaders().getFirst("Last-Event-ID");
            lastEventIds.add(String.valueOf(last));
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                if (last == null) {
                    out.write((sse(1, "one") + sse(2, "two") + "event: overflow\ndata: {\"error\":\"this watcher fell behind; "
                            + "reconnect with Last-Event-ID\"}\n\n").getBytes(StandardCharsets.UTF_8));
                } else {
                    out.write((sse(Long.parseLong(last) + 1, "after " + last)).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    done.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        fake.start();
        List<Event> seen = new CopyOnWriteArrayList<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        DaemonEventStream stream = new DaemonEventStream(new AdminClient(""), "n1", "127.0.0.1:" + fake.getAddress().getPort(), 0,
                seen::add, problems::add, () -> true);
        Thread t = Thread.ofVirtual().start(stream);
        try {
            await().atMost(BOUND).until(() -> seen.size() == 3);
            assertThat(seen).extracting(Event::message).containsExactly("one", "two", "after 2");
            assertThat(lastEventIds).containsExactly("null", "2");
            assertThat(problems).containsExactly("n1: it dropped this watcher for falling behind; resuming after event 2");
        } finally {
            stream.close();
            done.countDown();
            t.interrupt();
            fake.stop(0);
        }
    }

    private static String sse(long seq, String message) {
        return "id: " + seq + "\nevent: notice\ndata: {\"seq\":" + seq + ",\"timeMs\":1,\"source\":\"n1\",\"kind\":\"notice\","
                + "\"subject\":\"n1\",\"message\":\"" + message + "\",\"fields\":{}}\n\n";
    }
}
