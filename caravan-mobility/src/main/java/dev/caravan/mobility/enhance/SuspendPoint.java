package dev.caravan.mobility.enhance;

import org.apache.commons.javaflow.api.Continuation;
import org.apache.commons.javaflow.core.StackRecorder;

/**
 * How a {@code LoopContext} implementation suspends the loop without being enhanced itself.
 * <p>Bundle code calls {@code ctx.receive()} at a call site JavaFlow guarded (the enhancer marks
 * LoopContext's suspension points continuable). When the loop is captured, JavaFlow's guarded caller
 * expects the callee to have pushed its own {@code this} on the reference stack, as every enhanced
 * instance method does; when restored, the caller pops it and calls the same method on it again,
 * and that call must reach {@link Continuation#suspend} before doing anything else. So a
 * LoopContext suspension method must be exactly:
 * <pre>{@code
 * public Request receive() {
 *     return SuspendPoint.suspend(this, WHY_RECEIVE) instanceof Request r ? r : null;
 * }
 * }</pre>
 * with no side effect before the call (it runs again on restore) and none after it that matters
 * while capturing (its result is then discarded). The value passed to
 * {@code Continuation.resume(value)} is what the call returns on resume.
 * <p>Call it only on the loop's thread, inside {@code Continuation.startWith/continueWith}.
 */
public final class SuspendPoint {
    private SuspendPoint() {
    }

    /**
     * Suspends the running continuation with {@code why} as its {@link Continuation#value()}.
     *
     * @param context the LoopContext whose method is suspending (pushed as that frame's reference)
     * @return while capturing, a value to be discarded; on resume, the value given to resume
     */
    public static Object suspend(Object context, Object why) {
        Object resumedWith = Continuation.suspend(why);
        StackRecorder recorder = StackRecorder.get();
        if (recorder != null && recorder.isCapturing) {
            recorder.pushReference(context);
        }
        return resumedWith;
    }
}
