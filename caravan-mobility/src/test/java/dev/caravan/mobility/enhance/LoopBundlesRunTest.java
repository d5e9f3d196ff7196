package dev.caravan.mobility.enhance;

import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.core.mobility.Request;
import dev.caravan.core.process.ClientRef;
import dev.caravan.mobility.enhance.fixtures.ConcatLoop;
import dev.caravan.mobility.enhance.fixtures.DefaultMethodLoop;
import dev.caravan.mobility.enhance.fixtures.StepLoop;
import dev.caravan.mobility.enhance.fixtures.SummingLoop;
import dev.caravan.wire.command.Command;
import org.apache.commons.javaflow.api.Continuation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Bundles enhanced at load run as JavaFlow continuations: suspended, resumed, resumed twice from one state. */
class LoopBundlesRunTest {
    private static final ClientRef CLIENT = new ClientRef(7, "127.0.0.1:1", "127.0.0.1:2");

    private long nextId;

    @Test
    void shouldKeepLocalsAcrossSuspensionsOfAnEnhancedLoop() throws Exception {
        EnhancedBundle bundle = LoopBundles.enhance("sum", Fixtures.bundleOf(SummingLoop.class), getClass().getClassLoader());
        FakeLoopContext ctx = new FakeLoopContext();
        Continuation c = Continuation.startWith(bundle.runner(newProcess(bundle, SummingLoop.class), ctx));

        assertThat(c).isNotNull();
        assertThat(c.value()).isEqualTo("receive");
        c = c.resume(request("5"));
        assertThat(ctx.lastReply()).isEqualTo("1:5:5:0,5");
        c = c.resume(request("7"));
        assertThat(ctx.lastReply()).isEqualTo("2:12:57:5,7");
    }

    @Test
    void shouldSuspendTwoFramesDeepInsideAnInnerLoop() throws Exception {
        EnhancedBundle bundle = LoopBundles.enhance("sum", Fixtures.bundleOf(SummingLoop.class), getClass().getClassLoader());
        FakeLoopContext ctx = new FakeLoopContext();
        Continuation c = Continuation.startWith(bundle.runner(newProcess(bundle, SummingLoop.class), ctx));
        c = c.resume(request("1"));
        c = c.resume(request("-2"));       // waits for two extra requests in nested()
        assertThat(ctx.replies).hasSize(1);
        c = c.resume(request("10"));
        c = c.resume(request("20"));
        assertThat(ctx.replies).containsExactly("1:1:1:0,1", "extra", "extra", "2:29:1-2:1,-2");
        assertThat(c.value()).isEqualTo("receive");
    }

    @Test
    void shouldResumeTheSameCapturedStateTwiceLikeAClone() throws Exception {
        EnhancedBundle bundle = LoopBundles.enhance("sum", Fixtures.bundleOf(SummingLoop.class), getClass().getClassLoader());
        FakeLoopContext ctx = new FakeLoopContext();
        Continuation c = Continuation.startWith(bundle.runner(newProcess(bundle, SummingLoop.class), ctx));
        Continuation afterFirst = c.resume(request("3"));

        afterFirst.resume(request("4"));
        String first = ctx.lastReply();
        afterFirst.resume(request("4"));

        assertThat(first).isEqualTo("2:7:34:3,4");
        assertThat(ctx.lastReply()).isEqualTo(first);
    }

    @Test
    void shouldSuspendThroughTheBundlesOwnInterface() throws Exception {
        EnhancedBundle bundle = LoopBundles.enhance("step", Fixtures.bundleOf(StepLoop.class), getClass().getClassLoader());
        FakeLoopContext ctx = new FakeLoopContext();
        Continuation c = Continuation.startWith(bundle.runner(newProcess(bundle, StepLoop.class), ctx));
        c = c.resume(request("x"));
        c = c.resume(request("x"));

        assertThat(ctx.replies).containsExactly("101", "102");
        assertThat(bundle.suspendingMethods()).anyMatch(m -> m.contains("StepLoop$CountingStep.next"));
    }

    @Test
    void shouldKeepAConcatenationOperandOnTheStackAcrossASuspension() throws Exception {
        EnhancedBundle bundle = LoopBundles.enhance("concat", Fixtures.bundleOf(ConcatLoop.class), getClass().getClassLoader());
        FakeLoopContext ctx = new FakeLoopContext();
        Continuation c = Continuation.startWith(bundle.runner(newProcess(bundle, ConcatLoop.class), ctx));
        c = c.resume(request("x"));
        c = c.resume(request("x"));

        assertThat(ctx.replies).containsExactly("n=1", "n=2");
    }

    @Test
    void shouldSuspendInAnInheritedDefaultMethod() throws Exception {
        EnhancedBundle bundle = LoopBundles.enhance("default", Fixtures.bundleOf(DefaultMethodLoop.class), getClass().getClassLoader());
        FakeLoopContext ctx = new FakeLoopContext();
        Continuation c = Continuation.startWith(bundle.runner(newProcess(bundle, DefaultMethodLoop.class), ctx));
        c = c.resume(request("x"));
        c = c.resume(request("x"));

        assertThat(ctx.replies).containsExactly("1", "2");
        assertThat(c.value()).isEqualTo("receive");
    }

    @Test
    void shouldRunABundleEnhancedAtBuildTimeWithoutEnhancingItAgain() throws Exception {
        EnhancedBundle first = LoopBundles.enhance("sum", Fixtures.bundleOf(SummingLoop.class), getClass().getClassLoader());
        var enhancedBytes = BuildTimeBundles.definedBytes(first, SummingLoop.class);

        EnhancedBundle bundle = LoopBundles.enhance("prebuilt", enhancedBytes, getClass().getClassLoader());
        assertThat(bundle.enhancedAtBuildTime()).contains("dev/caravan/mobility/enhance/fixtures/SummingLoop");
        FakeLoopContext ctx = new FakeLoopContext();
        Continuation c = Continuation.startWith(bundle.runner(newProcess(bundle, SummingLoop.class), ctx));
        c = c.resume(request("2"));
        c = c.resume(request("3"));

        assertThat(ctx.replies).containsExactly("1:2:2:0,2", "2:5:23:2,3");
    }

    private static LoopProcess newProcess(EnhancedBundle bundle, Class<?> type) throws Exception {
        Class<?> loaded = bundle.loader().loadClass(type.getName());
        assertThat(loaded.getClassLoader()).isSameAs(bundle.loader());
        return (LoopProcess) loaded.getConstructor().newInstance();
    }

    private Request request(String n) {
        return new Request(++nextId, CLIENT, Command.of("ADD", n));
    }
}
