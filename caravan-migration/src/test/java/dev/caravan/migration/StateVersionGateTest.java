package dev.caravan.migration;

import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ProcessSpec;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.IntPredicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class StateVersionGateTest {
    private static final String HASH = "ab12" + "0".repeat(60);
    private static final ProcessSpec SPEC = new ProcessSpec("ledger", "", HASH, "demo.Ledger", 1 << 20, Map.of());

    /** Code that writes {@code writes} and reads the versions {@code reads} accepts. */
    private static CaravanProcess code(int writes, IntPredicate reads) {
        return new CaravanProcess() {
            @Override
            public void onStart(ProcessContext context, boolean restored) {
            }

            @Override
            public Reply onCommand(Command command) {
                return Reply.bulk("ok");
            }

            @Override
            public int stateVersion() {
                return writes;
            }

            @Override
            public boolean readsStateVersion(int version) {
                return reads.test(version);
            }
        };
    }

    @Test
    void shouldReadOnlyItsOwnVersionByDefault() {
        CaravanProcess plain = new CaravanProcess() {
            @Override
            public void onStart(ProcessContext context, boolean restored) {
            }

            @Override
            public Reply onCommand(Command command) {
                return Reply.bulk("ok");
            }
        };

        assertThat(plain.readsStateVersion(1)).isTrue();
        assertThat(plain.readsStateVersion(2)).isFalse();
        assertThat(plain.readsStateVersion(0)).isFalse();
    }

    @Test
    void shouldLetThroughAVersionTheCodeReads() {
        assertThatCode(() -> StateVersionGate.check(code(2, v -> v >= 1 && v <= 2), SPEC, 1, "n2", false))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseAnUnreadableVersionWithOneLineSayingWhatToDo() {
        CaravanException e = catchThrowableOfType(CaravanException.class,
                () -> StateVersionGate.check(code(2, v -> v >= 1 && v <= 2), SPEC, 3, "n2", false));

        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(e.getMessage()).isEqualTo("process ledger writes state version 3; bundle ab1200000000… on node n2 reads"
                + " versions 1–2: deploy a bundle that reads 3, or migrate elsewhere");
    }

    @Test
    void shouldWordARefusedRestoreForTheCheckpoint() {
        CaravanException e = catchThrowableOfType(CaravanException.class,
                () -> StateVersionGate.check(code(3, v -> v == 3), SPEC, 1, "n1", true));

        assertThat(e.getMessage()).isEqualTo("the checkpoint of process ledger holds state version 1; bundle ab1200000000… on"
                + " node n1 reads version 3: restore it with a bundle that reads 1");
    }

    @Test
    void shouldDescribeTheVersionsReadAsRuns() {
        assertThat(StateVersionGate.readable(code(4, v -> v != 2 && v <= 4), 9)).isEqualTo("versions 1, 3–4");
        assertThat(StateVersionGate.readable(code(2, v -> false), 5)).isEqualTo("none of versions 1–5 (it writes 2)");
        assertThat(StateVersionGate.readable(code(Integer.MAX_VALUE, v -> v == Integer.MAX_VALUE), 1))
                .as("probing stays bounded at the top of the int range").isEqualTo("version " + Integer.MAX_VALUE);
    }
}
