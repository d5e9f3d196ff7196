package dev.caravan.mobility.runtime;

import dev.caravan.core.mobility.LoopContext;
import dev.caravan.core.mobility.LoopProcess;
import org.apache.commons.javaflow.core.StackRecorder;

/**
 * The continuation's entry point: runs the loop. Written by hand the way JavaFlow enhances an
 * outermost frame, since this module's classes are not enhanced: when the loop's frames are
 * captured, this frame pushes itself last, as every captured frame does (JavaFlow checks that the
 * entry point is on top, and pops it); when they are restored, it pops the reference the loop's
 * frame pushed (its {@code this}, the call's target: {@link #process}) and calls {@code run} again,
 * whose enhanced frames restore themselves from the stack. The continuation
 * format writes it as a token.
 */
final class LoopRun implements Runnable {
    final LoopProcess process;
    final LoopContext context;

    LoopRun(LoopProcess process, LoopContext context) {
        this.process = process;
        this.context = context;
    }

    @Override
    public void run() {
        StackRecorder recorder = StackRecorder.get();
        if (recorder != null && recorder.isRestoring) {
            // The loop's frame pushed its own reference last when captured: the target of this call.
            recorder.popReference();
        }
        process.run(context);
        if (recorder != null && recorder.isCapturing) {
            recorder.pushReference(this);
        }
    }
}
