package dev.caravan.servers.samples;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ClientRef;
import dev.caravan.servers.http.HttpExchange;
import dev.caravan.servers.http.HttpHeaders;
import dev.caravan.servers.http.HttpRequest;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP sample's pages, its per-session counter, eviction of the least recently used session, and its state moving. */
class HttpSampleProcessTest {
    private final List<PagedMemory> memories = new ArrayList<>();

    /** One response as the sample answered it. */
    record Response(int status, String headers, String body) {
        String header(String name) {
            return HttpHeaders.find(headers.getBytes(StandardCharsets.ISO_8859_1), name);
        }

        /** The session id the response set, or null. */
        String setSession() {
            String c = header("Set-Cookie");
            return c == null ? null : c.substring(c.indexOf('=') + 1, c.indexOf(';'));
        }
    }

    @AfterEach
    void free() {
        memories.forEach(PagedMemory::close);
    }

    private PagedMemory memory() {
        PagedMemory m = new PagedMemory(1 << 20, 4096);
        memories.add(m);
        return m;
    }

    private HttpSampleProcess started(String name, Map<String, String> config) {
        HttpSampleProcess p = new HttpSampleProcess();
        p.onStart(new TestContext(name, memory(), config), false);
        return p;
    }

    private static Response call(HttpSampleProcess p, String method, String target, String session) {
        String headers = "Host: test\r\n" + (session == null ? "" : "Cookie: theme=dark; caravan-session=" + session + "\r\n");
        Command c = HttpExchange.toCommand(new HttpRequest(method, target, true, headers.getBytes(StandardCharsets.ISO_8859_1),
                new byte[0]));
        Reply.Array a = (Reply.Array) p.onCommand(new ClientRef(1, "127.0.0.1:5000", "127.0.0.1:80"), c);
        return new Response((int) ((Reply.Int) a.items().get(0)).value(),
                new String(((Reply.Bulk) a.items().get(1)).value(), StandardCharsets.ISO_8859_1),
                new String(((Reply.Bulk) a.items().get(2)).value(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldServeAPageNamingTheReplicaAndHealth() {
        HttpSampleProcess p = started("web-2", Map.of());
        Response page = call(p, "GET", "/", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("web-2").startsWith("<!doctype html>");
        assertThat(page.header("X-Caravan-Process")).isEqualTo("web-2");
        Response health = call(p, "GET", "/health?probe=1", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.header("X-Caravan-Process")).isEqualTo("web-2");
    }

    @Test
    void shouldAnswerUnknownPaths404AndOtherMethods405() {
        HttpSampleProcess p = started("web-1", Map.of());
        Response missing = call(p, "GET", "/nope", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("X-Caravan-Process")).isEqualTo("web-1");
        Response post = call(p, "POST", "/counter", null);
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET");
        assertThat(p.onCommand(Command.of("GET", "k"))).isInstanceOf(Reply.Error.class);
    }

    @Test
    void shouldCountPerSessionAndSetTheCookieOnlyWhenMissing() {
        HttpSampleProcess p = started("web-1", Map.of());
        Response first = call(p, "GET", "/counter", null);
        assertThat(first.body()).isEqualTo("1\n");
        String a = first.setSession();
        assertThat(a).matches("[0-9a-f]{32}");
        assertThat(first.header("Set-Cookie")).contains("Path=/");
        Response second = call(p, "GET", "/counter", a);
        assertThat(second.body()).isEqualTo("2\n");
        assertThat(second.setSession()).isNull();
        Response other = call(p, "GET", "/counter", null);
        assertThat(other.body()).isEqualTo("1\n");
        assertThat(other.setSession()).isNotEqualTo(a);
        assertThat(call(p, "GET", "/counter", a).body()).isEqualTo("3\n");
        assertThat(call(p, "GET", "/counter", "not-hex").setSession()).matches("[0-9a-f]{32}");
        // A well-formed id this replica never saw (another replica made it) is adopted, not replaced.
        String foreign = "0123456789abcdef0123456789abcdef";
        Response adopted = call(p, "GET", "/counter", foreign);
        assertThat(adopted.body()).isEqualTo("1\n");
        assertThat(adopted.setSession()).isNull();
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedSessionWhenFull() {
        HttpSampleProcess p = started("web-1", Map.of(HttpSampleProcess.MAX_SESSIONS_KEY, "2"));
        String a = call(p, "GET", "/counter", null).setSession();
        String b = call(p, "GET", "/counter", null).setSession();
        assertThat(call(p, "GET", "/counter", a).body()).isEqualTo("2\n"); // b is now the least recently used
        String c = call(p, "GET", "/counter", null).setSession();
        assertThat(call(p, "GET", "/counter", a).body()).isEqualTo("3\n");
        assertThat(call(p, "GET", "/counter", c).body()).isEqualTo("2\n");
        assertThat(call(p, "GET", "/counter", b).body()).isEqualTo("1\n"); // b was evicted: it starts again, evicting a
        assertThat(call(p, "GET", "/counter", c).body()).isEqualTo("3\n");
        assertThat(call(p, "GET", "/counter", a).body()).isEqualTo("1\n");
    }

    @Test
    void shouldKeepSessionsAndTheirRecencyWhenItsMemoryMoves() {
        HttpSampleProcess p = started("web-1", Map.of(HttpSampleProcess.MAX_SESSIONS_KEY, "2"));
        PagedMemory source = memories.get(0);
        String a = call(p, "GET", "/counter", null).setSession();
        String b = call(p, "GET", "/counter", null).setSession();
        call(p, "GET", "/counter", b);
        call(p, "GET", "/counter", a); // a: 2, b: 2; b least recently used

        PagedMemory dest = memory();
        byte[] page = new byte[source.pageSizeBytes()];
        for (long i = 0; i < source.pageCapacity(); i++) {
            if (source.isAllocated(i)) {
                source.readPage(i, page);
                dest.installPage(i, page);
            }
        }
        HttpSampleProcess moved = new HttpSampleProcess();
        moved.onArrive(new TestContext("web-1", dest, Map.of()));
        assertThat(call(moved, "GET", "/counter", a).body()).isEqualTo("3\n");
        call(moved, "GET", "/counter", null); // evicts b, the least recently used before the move
        assertThat(call(moved, "GET", "/counter", a).body()).isEqualTo("4\n");
        assertThat(call(moved, "GET", "/counter", b).body()).isEqualTo("1\n");
    }

    @Test
    void shouldRefuseASessionTableTheMemoryCannotHold() {
        HttpSampleProcess p = new HttpSampleProcess();
        assertThatThrownBy(() -> p.onStart(new TestContext("web-1", memory(),
                Map.of(HttpSampleProcess.MAX_SESSIONS_KEY, "1000000")), false))
                .isInstanceOf(CaravanException.class).hasMessageContaining("more memory");
        assertThatThrownBy(() -> p.onStart(new TestContext("web-1", memory(),
                Map.of(HttpSampleProcess.MAX_SESSIONS_KEY, "many")), false))
                .isInstanceOf(CaravanException.class).hasMessageContaining(HttpSampleProcess.MAX_SESSIONS_KEY);
        assertThatThrownBy(() -> SessionTable.attach(memory())).isInstanceOf(CaravanException.class);
    }
}
