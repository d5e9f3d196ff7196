package dev.caravan.node;

import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

class FrontEndpointTest {
    @Test
    void shouldTakeTheCareOfAddressFromAMovedReplyAndNothingElse() {
        assertThat(FrontEndpoint.movedTo(Reply.error("MOVED 3 127.0.0.1:4711")))
                .isEqualTo(new InetSocketAddress("127.0.0.1", 4711));
        assertThat(FrontEndpoint.movedTo(Reply.error("TRYAGAIN node n1 lost its lease"))).isNull();
        assertThat(FrontEndpoint.movedTo(Reply.error("MOVED 3"))).isNull();
        assertThat(FrontEndpoint.movedTo(Reply.error("MOVED 3 nowhere"))).isNull();
        assertThat(FrontEndpoint.movedTo(Reply.bulk("MOVED 3 127.0.0.1:4711"))).isNull();
    }
}
