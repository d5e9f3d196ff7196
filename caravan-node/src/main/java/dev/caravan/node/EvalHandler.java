package dev.caravan.node;

import dev.caravan.core.eval.EvalTarget;
import dev.caravan.core.eval.FunctionRunner;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.process.ProcessState;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.EvalRequest;
import dev.caravan.wire.node.EvalResult;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Serves {@link dev.caravan.wire.Op#NODE_EVAL}: remote evaluation of a shipped function beside
 * a process this node hosts. The function's class comes from its bundle's own class loader
 * (pulled from another node when this one lacks it); it runs at the process's next command
 * boundary, as a task on the process thread, which waits for it under {@link FunctionRunner}'s
 * budget watch. A process that is frozen for a migration or checkpoint answers NOT_HERE, so the
 * client looks it up again and retries, as it does for calls.
 *
 * <p>Threading: called on a control connection's thread, which waits for the process thread at
 * most the time budget plus {@value #QUEUE_WAIT_MS} ms (for the command in progress to end).
 */
final class EvalHandler {
    /** How long a function may wait for its process to finish the command in progress. */
    static final long QUEUE_WAIT_MS = 30_000;

    private final NodeDaemon node;

    EvalHandler(NodeDaemon node) {
        this.node = node;
    }

    EvalResult onEval(EvalRequest request) throws Exception {
        HostedProcess hosted = node.hosted(request.process());
        ClassLoader loader = node.bundleLoader(request.bundleHash(), request.className());
        ProcessRunner runner = hosted.runner();
        CompletableFuture<FunctionRunner.Outcome> outcome = runner.onProcessThread(() -> {
            if (runner.state() != ProcessState.RUNNING) {
                throw ErrorCode.NOT_HERE.exception("process " + request.process() + " is " + runner.state()
                        + " (being moved, checkpointed or stopped) on node " + node.nodeId() + "; look it up again");
            }
            EvalTarget target = new EvalTarget(request.process(), node.nodeId(), runner.memory(),
                    runner.process().evalView(), runner.clock());
            return FunctionRunner.run(target, loader, request.className(), request.args(), request.timeBudgetMs(),
                    request.memoryBudgetBytes());
        });
        try {
            FunctionRunner.Outcome o = outcome.get(request.timeBudgetMs() + QUEUE_WAIT_MS, TimeUnit.MILLISECONDS);
            return new EvalResult(o.reply(), o.elapsedNs(), o.allocatedBytes());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CaravanException ce) {
                throw new CaravanException(ce.code(), ce.getMessage(), ce);
            }
            throw ErrorCode.INTERNAL.exception("evaluation beside " + request.process() + " failed: " + e.getCause());
        } catch (TimeoutException e) {
            node.hosted(request.process());
            throw ErrorCode.TIMEOUT.exception("process " + request.process() + " did not get to the function within "
                    + (request.timeBudgetMs() + QUEUE_WAIT_MS) + " ms: its thread is busy");
        }
    }
}
