package dev.caravan.mobility.runtime;

import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.mobility.continuation.Suspension;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import static dev.caravan.mobility.runtime.LoopProcessHostTest.moved;
import static dev.caravan.mobility.runtime.LoopProcessHostTest.newHost;
import static dev.caravan.mobility.runtime.LoopProcessHostTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sleep, self-directed moves and clones, the loop's end and failure, and refusals. */
class LoopProcessHostMobilityTest {
    private static final TestEnhancer ENHANCED = new TestEnhancer("dev.caravan.mobility.fixtures");

    private static LoopProcessHost started(FakeContext ctx) {
        LoopProcessHost host = newHost();
        host.onStart(ctx, false);
        return host;
    }

    @Test
    void shouldCarryANestedFrameWithItsInnerLoopMidIteration() {
        LoopProcessHost host = started(new FakeContext("p", "n1"));
        send(host, "ADD", "10");
        assertThat(send(host, "INNER", "3")).isEqualTo("inner 3");
        assertThat(send(host, "X")).isEqualTo("inner 1/3+10");
        LoopProcessHost copy = moved(host);
        copy.onArrive(new FakeContext("p", "n2"));
        assertThat(send(copy, "X")).isEqualTo("inner 2/3+10");
        assertThat(send(copy, "X")).isEqualTo("inner 3/3+10");
        // Back in the outer loop: 10 + (1+2+3); the inner requests are not counted.
        assertThat(send(copy, "ADD", "1")).isEqualTo("17:3:101:2:f");
    }

    @Test
    void shouldParkCommandsWhileAsleepAndWakeOnlyWhenNotFrozen() {
        FakeContext ctx = new FakeContext("p", "n1");
        LoopProcessHost host = started(ctx);
        assertThat(send(host, "NAP", "500")).isEqualTo("napping");
        assertThat(host.suspension()).isInstanceOf(Suspension.Sleep.class);
        assertThat(host.onCommand(Command("ADD", "1"))).isInstanceOf(Reply.Blocked.class);
        ctx.clock.advanceMs(499);
        host.onTick(ctx.clock.nowMs());
        assertThat(host.suspension()).isInstanceOf(Suspension.Sleep.class);
        ctx.clock.advanceMs(1);
        ctx.frozen = true;
        host.onTick(ctx.clock.nowMs());
        assertThat(host.suspension()).as("never resumed while frozen").isInstanceOf(Suspension.Sleep.class);
        ctx.frozen = false;
        host.onTick(ctx.clock.nowMs());
        assertThat(host.suspension()).isEqualTo(Suspension.RECEIVE);
        assertThat(send(host, "ADD", "1")).isEqualTo("1:2:1:1:fz");
    }

    @Test
    void shouldKeepTheSleepDeadlineAcrossAMove() {
        FakeContext ctx = new FakeContext("p", "n1");
        LoopProcessHost host = started(ctx);
        send(host, "NAP", "500");
        LoopProcessHost copy = moved(host);
        FakeContext there = new FakeContext("p", "n2");
        copy.onArrive(there);
        assertThat(copy.suspension()).isEqualTo(new Suspension.Sleep(ctx.clock.nowMs() + 500));
        there.clock.advanceMs(500);
        copy.onTick(there.clock.nowMs());
        assertThat(send(copy, "LAST")).isEqualTo("none 0.5");
    }

    @Test
    void shouldAskToMoveAndContinueAtTheTargetWithMovedTrue() {
        FakeContext ctx = new FakeContext("p", "n1");
        LoopProcessHost host = started(ctx);
        send(host, "ADD", "3");
        assertThat(send(host, "MOVE", "n2")).isEqualTo("moving");
        assertThat(ctx.asked).singleElement().satisfies(a -> {
            assertThat(a.target()).isEqualTo("n2");
            assertThat(a.cloneName()).isNull();
        });
        LoopProcessHost copy = moved(host);
        copy.onArrive(new FakeContext("p", "n2"));
        assertThat(send(copy, "LAST")).isEqualTo("true@n2/ 1.0");
        assertThat(send(copy, "ADD", "1")).isEqualTo("4:4:31:2:f");
    }

    @Test
    void shouldResumeHereWithTheReasonWhenTheMoveFails() {
        FakeContext ctx = new FakeContext("p", "n1");
        LoopProcessHost host = started(ctx);
        send(host, "MOVE", "n9");
        ctx.frozen = true;
        ctx.asked.getFirst().future().completeExceptionally(ErrorCode.UNAVAILABLE.exception("node n9 is unreachable"));
        host.onTick(ctx.clock.nowMs());
        assertThat(host.suspension()).isInstanceOf(Suspension.Move.class);
        ctx.frozen = false;
        host.onTick(ctx.clock.nowMs());
        assertThat(send(host, "LAST")).isEqualTo("false@n1/node n9 is unreachable 0.5");
    }

    @Test
    void shouldForkOnCloneBothCopiesContinuingFromTheSameState() {
        FakeContext ctx = new FakeContext("p", "n1");
        LoopProcessHost host = started(ctx);
        send(host, "ADD", "2");
        send(host, "CLONE", "n2", "p-copy");
        assertThat(ctx.asked.getFirst().cloneName()).isEqualTo("p-copy");
        LoopProcessHost clone = moved(host);
        clone.onArrive(new FakeContext("p-copy", "n2"));
        ctx.asked.getFirst().future().complete(null);
        assertThat(send(host, "LAST")).isEqualTo("original/true/p-copy/ 1.0");
        assertThat(send(clone, "LAST")).isEqualTo("clone/true/p-copy/ 1.0");
        assertThat(send(host, "ADD", "1")).isEqualTo("3:4:21:2:f");
        assertThat(send(clone, "ADD", "5")).isEqualTo("7:4:25:2:f");
    }

    @Test
    void shouldAnswerAnUnansweredRequestWithAnErrorAndRefuseALaterReply() {
        LoopProcessHost host = started(new FakeContext("p", "n1"));
        assertThat(send(host, "SILENT")).isEqualTo("ERR the loop did not answer request 1 before suspending at receive()");
        assertThat(send(host, "ADD", "1")).isEqualTo("1:2:1:1:f");
    }

    @Test
    void shouldAnswerEveryCommandWithAnErrorOnceTheLoopReturnedOutsideANode() {
        LoopProcessHost host = started(new FakeContext("p", "n1"));
        assertThat(send(host, "QUIT")).isEqualTo("bye");
        assertThat(host.ended()).isTrue();
        assertThat(send(host, "ADD", "1")).isEqualTo("ERR the loop of process p has returned; it takes no more commands"
                + " (caravan stop removes it)");
    }

    @Test
    void shouldAskTheNodeToStopTheProcessWhenTheLoopReturnsAndAgainWhereAnEndedLoopLands() {
        FakeContext ctx = new FakeContext("p", "n1");
        ctx.stops = new java.util.ArrayList<>();
        LoopProcessHost host = started(ctx);
        send(host, "ADD", "1");
        assertThat(ctx.stops).as("no stop while the loop runs").isEmpty();

        assertThat(send(host, "QUIT")).isEqualTo("bye");

        assertThat(ctx.stops).hasSize(1);
        assertThat(send(host, "ADD", "1")).isEqualTo("ERR the loop of process p has returned; it takes no more commands"
                + " (its node is stopping it)");
        ctx.stops.getFirst().completeExceptionally(ErrorCode.BUSY.exception("process p is being moved"));
        assertThat(send(host, "ADD", "1")).endsWith("(caravan stop removes it)");
        FakeContext there = new FakeContext("p", "n2");
        there.stops = new java.util.ArrayList<>();
        LoopProcessHost copy = moved(host);
        copy.onArrive(there);
        assertThat(copy.ended()).isTrue();
        assertThat(there.stops).as("a returned loop that moved asks its new node").hasSize(1);
        FakeContext restored = new FakeContext("p", "n3");
        restored.stops = new java.util.ArrayList<>();
        moved(host).onStart(restored, true);
        assertThat(restored.stops).as("a returned loop restored from a checkpoint asks too").hasSize(1);
    }

    @Test
    void shouldFailTheProcessWhenTheLoopThrows() {
        LoopProcessHost host = started(new FakeContext("p", "n1"));
        send(host, "ADD", "4");
        assertThatThrownBy(() -> send(host, "BOOM"))
                .isInstanceOf(LoopFailedError.class)
                .hasMessage("the loop of process p threw java.lang.IllegalStateException: boom at 4");
    }

    @Test
    void shouldCarryADeclaredCodecAndRefuseAValueWithoutOneNamingItsType() {
        LoopProcessHost host = new LoopProcessHost(ENHANCED.newInstance("CodecLoop", LoopProcess.class), "");
        host.onStart(new FakeContext("c", "n1"), false);
        assertThat(send(host, "HIT", "ann")).isEqualTo("1 ann");
        LoopProcessHost copy = new LoopProcessHost(ENHANCED.newInstance("CodecLoop", LoopProcess.class), "");
        BodyWriter out = new BodyWriter();
        host.writeState(out);
        copy.readState(1, new BodyReader(out.toBytes()));
        copy.onArrive(new FakeContext("c", "n2"));
        assertThat(send(copy, "HIT", "bob")).isEqualTo("2 bob");
        send(copy, "ODD", "eve");
        assertThatThrownBy(() -> copy.writeState(new BodyWriter()))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CODE_REFUSED))
                .hasMessageContaining("a java.util.Optional is live at a suspension point and has no codec");
    }

    @Test
    void shouldRefuseAStateVersionItsCodeCannotRead() {
        LoopProcessHost host = new LoopProcessHost(ENHANCED.newInstance("CodecLoop", LoopProcess.class), "");
        host.onStart(new FakeContext("c", "n1"), false);
        BodyWriter out = new BodyWriter();
        host.writeState(out);
        LoopProcess newer = ENHANCED.newInstance("CodecLoop", LoopProcess.class);
        invoke(newer, "declareVersion", 2);
        LoopProcessHost copy = new LoopProcessHost(newer, "");
        assertThatThrownBy(() -> copy.readState(1, new BodyReader(out.toBytes())))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION))
                .hasMessageContaining("state version 2) cannot read a continuation written at state version 1");
    }

    private static dev.caravan.wire.command.Command Command(String... parts) {
        return dev.caravan.wire.command.Command.of(parts);
    }

    private static void invoke(Object target, String method, int arg) {
        try {
            target.getClass().getMethod(method, int.class).invoke(target, arg);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
