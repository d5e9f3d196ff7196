package dev.caravan.wire;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CloseAllTest {
    @Test
    void shouldRunEveryStepAndKeepLaterFailuresAsSuppressed() {
        List<String> closed = new ArrayList<>();
        CloseAll all = new CloseAll();
        all.run(() -> {
            throw new IllegalStateException("first");
        });
        all.run(() -> closed.add("second"));
        all.run(() -> {
            throw new IOException("third");
        });
        all.run(() -> closed.add("fourth"));
        assertThat(closed).containsExactly("second", "fourth");
        assertThatThrownBy(() -> all.throwIfFailed("closing"))
                .isInstanceOf(IllegalStateException.class).hasMessage("first")
                .satisfies(t -> assertThat(t.getSuppressed()).singleElement().isInstanceOf(IOException.class));
    }

    @Test
    void shouldWrapACheckedFirstFailure() {
        CloseAll all = new CloseAll();
        all.run(() -> {
            throw new IOException("disk");
        });
        assertThatThrownBy(() -> all.throwIfFailed("closing x"))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageContaining("closing x").hasCauseInstanceOf(IOException.class);
    }

    @Test
    void shouldKeepTheInterruptAndGoOn() {
        CloseAll all = new CloseAll();
        List<String> closed = new ArrayList<>();
        all.run(() -> {
            throw new InterruptedException("stop");
        });
        all.run(() -> closed.add("after"));
        assertThat(Thread.interrupted()).isTrue();
        assertThat(closed).containsExactly("after");
        assertThat(all.failure()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void shouldThrowNothingWhenEveryStepSucceeds() {
        CloseAll.closeAll("closing", () -> { }, null, () -> { });
    }
}
