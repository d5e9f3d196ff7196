package dev.caravan.mobility.runtime;

import dev.caravan.core.mobility.CloneResult;
import dev.caravan.core.mobility.LoopContext;
import dev.caravan.core.mobility.MoveResult;
import dev.caravan.core.mobility.Request;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.mobility.continuation.Suspension;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Reply;
import org.apache.commons.javaflow.api.Continuation;
import org.apache.commons.javaflow.core.StackRecorder;

/**
 * The {@link LoopContext} a {@link LoopProcessHost} gives its loop. Each suspension point is a leaf
 * that calls {@link Continuation#suspend(Object)} with a {@link Suspension} and returns the value
 * the host resumes it with. It is written by hand the way JavaFlow enhances a frame, as this
 * module is not enhanced: when captured, a frame pushes its own reference (the caller's enhanced
 * frame pops it as the call's target when restored); a leaf has nothing else to save.
 *
 * <p>While the continuation captures, {@code suspend} hands back the previous resume value, which
 * the enhanced caller throws away: the casts below are therefore guarded.
 *
 * <p>Threading: the process thread only, like the loop.
 */
final class HostLoopContext implements LoopContext {
    private final LoopProcessHost host;

    HostLoopContext(LoopProcessHost host) {
        this.host = host;
    }

    @Override
    public Request receive() {
        Object v = suspend(Suspension.RECEIVE);
        return v instanceof Request r ? r : null;
    }

    @Override
    public void reply(Request request, Reply reply) {
        host.onLoopReply(request, reply);
    }

    @Override
    public void sleep(long ms) {
        if (ms < 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("sleep takes milliseconds >= 0, got " + ms);
        }
        suspend(new Suspension.Sleep(host.context().clock().nowMs() + ms));
    }

    @Override
    public MoveResult moveTo(String nodeId) {
        Object v = suspend(new Suspension.Move(nodeId));
        return v instanceof MoveResult r ? r : null;
    }

    @Override
    public CloneResult cloneTo(String nodeId, String cloneName) {
        Object v = suspend(new Suspension.Clone(nodeId, cloneName));
        return v instanceof CloneResult r ? r : null;
    }

    private Object suspend(Suspension at) {
        Object v = Continuation.suspend(at);
        StackRecorder recorder = StackRecorder.get();
        if (recorder.isCapturing) {
            recorder.pushReference(this);
        }
        return v;
    }

    @Override
    public String nodeId() {
        return host.context().nodeId();
    }

    @Override
    public ProcessContext process() {
        return host.context();
    }
}
