package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvalRequestTest {
    @Test
    void shouldRoundTripARequestAndItsResult() {
        EvalRequest request = new EvalRequest("kv1", "ab".repeat(32), "demo.Count", List.of(new byte[] {1, 2}, new byte[0]), 2000,
                64L << 20);
        BodyWriter w = new BodyWriter();
        request.writeTo(w);
        EvalRequest read = EvalRequest.readFrom(new BodyReader(w.toBytes()));

        assertThat(read.process()).isEqualTo("kv1");
        assertThat(read.className()).isEqualTo("demo.Count");
        assertThat(read.args()).hasSize(2);
        assertThat(read.args().get(0)).containsExactly(1, 2);
        assertThat(read.timeBudgetMs()).isEqualTo(2000);
        assertThat(read.memoryBudgetBytes()).isEqualTo(64L << 20);

        BodyWriter r = new BodyWriter();
        new EvalResult(new Reply.Int(7), 1234, 5678).writeTo(r);
        assertThat(EvalResult.readFrom(new BodyReader(r.toBytes()))).isEqualTo(new EvalResult(new Reply.Int(7), 1234, 5678));
    }

    @Test
    void shouldRefuseTooManyArgumentsBeforeAllocatingThem() {
        byte[] body = new BodyWriter().string("kv1").string("h").string("C").i32(Integer.MAX_VALUE).toBytes();

        assertThatThrownBy(() -> EvalRequest.readFrom(new BodyReader(body)))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
    }

    @Test
    void shouldRefuseBudgetsOutOfRange() {
        assertThatThrownBy(() -> new EvalRequest("kv1", "h", "C", List.of(), 0, 64L << 20))
                .isInstanceOfSatisfying(CaravanException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("time budget");
                });
        assertThatThrownBy(() -> new EvalRequest("kv1", "h", "C", List.of(), 100, 1))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.getMessage()).contains("memory budget"));
    }
}
