package dev.caravan.switching.http;

import dev.caravan.switching.Route.RouteMatch;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

class RouteMatcherTest {
    private static HttpRequest request(String uri, String... headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        return r;
    }

    @Test
    void shouldFindACookieAmongOthersButNotAsASuffixOfAnotherName() {
        HttpRequest r = request("/", "Cookie", "xsid=1; sid=abc ; other=2");
        assertThat(RouteMatcher.cookie(r, "sid")).isEqualTo("abc");
        assertThat(RouteMatcher.cookie(r, "id")).isNull();
        assertThat(RouteMatcher.cookie(request("/"), "sid")).isNull();
    }

    @Test
    void shouldMatchTheHostCaseInsensitivelyWithoutItsPort() {
        RouteMatch m = new RouteMatch("web.example", null, null, null, null, null, null);
        assertThat(RouteMatcher.matches(m, request("/", "Host", "WEB.example:8080"))).isTrue();
        assertThat(RouteMatcher.matches(m, request("/", "Host", "web.example.evil"))).isFalse();
        assertThat(RouteMatcher.matches(m, request("/"))).isFalse();
    }

    @Test
    void shouldParseCaravanMovedAndRefuseGarbage() {
        assertThat(HttpClientSession.movedTo("12 127.0.0.1:7001")).isEqualTo(new InetSocketAddress("127.0.0.1", 7001));
        assertThat(HttpClientSession.movedTo("12 [::1]:7001")).isEqualTo(new InetSocketAddress("::1", 7001));
        assertThat(HttpClientSession.movedTo("nonsense")).isNull();
        assertThat(HttpClientSession.movedTo("3 host:notaport")).isNull();
    }
}
