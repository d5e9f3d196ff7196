package dev.caravan.cli.commands.observe;

import dev.caravan.observe.Event;
import dev.caravan.observe.EventKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** When {@code caravan describe} calls an unlisted name "gone": only when its last lifecycle event is a stop or a failure. */
class DescribeEndedTest {
    private static Event event(long seq, EventKind kind) {
        return new Event(seq, seq, "n1", kind, "kv1", kind.label(), Map.of());
    }

    @Test
    void endedOnlyWhenTheLastLifecycleEventIsAStopOrFailure() {
        assertThat(DescribeCommand.ended(List.of())).isFalse();
        assertThat(DescribeCommand.ended(List.of(event(1, EventKind.PROCESS_DEPLOYED), event(2, EventKind.PROCESS_STARTED)))).isFalse();
        assertThat(DescribeCommand.ended(List.of(event(1, EventKind.PROCESS_STARTED), event(2, EventKind.PROCESS_STOPPED),
                event(3, EventKind.NOTICE)))).isTrue();
        assertThat(DescribeCommand.ended(List.of(event(1, EventKind.PROCESS_FAILED)))).isTrue();
        assertThat(DescribeCommand.ended(List.of(event(1, EventKind.PROCESS_STOPPED), event(2, EventKind.PROCESS_RESTORED)))).isFalse();
    }
}
