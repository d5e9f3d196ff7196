package dev.caravan.migration.resources;

import dev.caravan.migration.resources.ResourceUri.Kind;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourceUriTest {
    @Test
    void shouldParseEveryKind() {
        assertThat(ResourceUri.parse("file:/srv/data")).isEqualTo(new ResourceUri(Kind.FILE, "file:/srv/data", "/srv/data", ""));
        assertThat(ResourceUri.parse("tcp://127.0.0.1:6379")).isEqualTo(
                new ResourceUri(Kind.TCP, "tcp://127.0.0.1:6379", "127.0.0.1", "6379"));
        assertThat(ResourceUri.parse("device:printer").first()).isEqualTo("printer");
        assertThat(ResourceUri.parse("lib:codec.jar").first()).isEqualTo("codec.jar");
        ResourceUri ref = ResourceUri.parse("caravan-ref://node-a/proc/db");
        assertThat(ref.kind()).isEqualTo(Kind.REF);
        assertThat(ref.first()).isEqualTo("node-a");
        assertThat(ref.second()).isEqualTo("proc/db");
        assertThat(ResourceUri.reference("node-a", "proc", "db")).isEqualTo("caravan-ref://node-a/proc/db");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:relative", "file:/srv/../etc/passwd", "file:/srv/./x", "tcp://host", "tcp://:80",
        "tcp://h:99999", "device:", "device:../x", "lib:..", "lib:a/b", "caravan-ref://a/b", "caravan-ref://a/../x",
        "caravan-ref://a/p/r/s", "http://x", ""})
    void shouldRefuseMalformedOrClimbingUris(String uri) {
        assertThatThrownBy(() -> ResourceUri.parse(uri)).isInstanceOfSatisfying(CaravanException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
}
