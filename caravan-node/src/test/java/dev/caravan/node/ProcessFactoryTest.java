package dev.caravan.node;

import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessFactoryTest {
    /** A process that does nothing; subclasses vary only their constructors. */
    public static class Quiet implements CaravanProcess {
        @Override
        public void onStart(ProcessContext context, boolean restored) {
        }

        @Override
        public Reply onCommand(Command command) {
            return Reply.OK;
        }
    }

    /** Its constructor fails, as one reading a missing setting would. */
    public static final class Throwing extends Quiet {
        public Throwing() {
            throw new IllegalStateException("config file /etc/app.conf is missing");
        }
    }

    /** No no-argument constructor. */
    public static final class NeedsArgument extends Quiet {
        public NeedsArgument(String ignored) {
        }
    }

    @Test
    void shouldReportTheExceptionOfAConstructorThatThrows() {
        assertThatThrownBy(() -> ProcessFactory.instantiate(Throwing.class))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CLASS_LOAD_FAILED))
                .hasMessage("the constructor of " + Throwing.class.getName()
                        + " threw java.lang.IllegalStateException: config file /etc/app.conf is missing");
    }

    @Test
    void shouldAskForANoArgumentConstructorOnlyWhenThereIsNone() {
        assertThatThrownBy(() -> ProcessFactory.instantiate(NeedsArgument.class))
                .hasMessage("cannot instantiate " + NeedsArgument.class.getName() + ": it needs a public no-argument constructor");
    }

    @Test
    void shouldInstantiateAProcessWithAPublicNoArgumentConstructor() {
        assertThat(ProcessFactory.instantiate(Quiet.class)).isInstanceOf(Quiet.class);
    }
}
