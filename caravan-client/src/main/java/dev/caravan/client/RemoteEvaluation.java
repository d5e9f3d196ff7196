package dev.caravan.client;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.EvalRequest;
import dev.caravan.wire.node.EvalResult;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's side of remote evaluation ({@link CaravanClient#evaluate}): pushes the bundle
 * to the node hosting the process the first time it evaluates there (bundles are stored by
 * hash, so a push is idempotent; a node that lacks a bundle it was not pushed pulls it from a
 * node that has it), then sends {@link dev.caravan.wire.Op#NODE_EVAL}. Like a call, it looks the
 * process up again and retries when the node answers NOT_HERE (the process moved, or is frozen
 * for a move) or does not answer, until the client's deadline plus the time budget. It never
 * retries a function that ran: BUDGET_EXCEEDED, TIMEOUT and errors reach the caller. Thread-safe.
 */
final class RemoteEvaluation {
    private final CaravanClient client;
    /** "control address/bundle hash" pairs pushed already. */
    private final Set<String> pushed = ConcurrentHashMap.newKeySet();

    RemoteEvaluation(CaravanClient client) {
        this.client = client;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * @param jar  the bundle's bytes, or null when {@code hash} names a bundle already on the cluster
     * @param hash the bundle's hash when {@code jar} is null
     */
    EvalResult evaluate(String process, byte[] jar, String hash, String className, List<byte[]> args, Duration timeBudget,
                        long memoryBudgetBytes) {
        String bundle = jar != null ? sha256(jar) : hash;
        EvalRequest request = new EvalRequest(process, bundle, className, args, timeBudget.toMillis(), memoryBudgetBytes);
        long start = System.nanoTime();
        long limitMs = client.deadline().toMillis() + timeBudget.toMillis();
        long pauseMs = 10;
        CaravanException last;
        boolean pushedAgain = false;
        while (true) {
            Location at = client.locate(process);
            try {
                NodeControl node = client.node(at.control());
                String key = at.control() + "/" + bundle;
                if (jar != null && pushed.add(key)) {
                    try {
                        node.putBundle(jar);
                    } catch (RuntimeException e) {
                        pushed.remove(key);
                        throw e;
                    }
                }
                return node.eval(request);
            } catch (CaravanException e) {
                if (e.code() == ErrorCode.NOT_FOUND && jar != null && !pushedAgain) {
                    // The node lost the bundle it was pushed (it restarted on a fresh data directory): push it again, once.
                    pushedAgain = true;
                    pushed.remove(at.control() + "/" + bundle);
                    continue;
                }
                if (e.code() != ErrorCode.NOT_HERE && e.code() != ErrorCode.UNAVAILABLE) {
                    throw e;
                }
                last = e;
                client.forget(process, at);
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            if (elapsedMs + pauseMs > limitMs) {
                throw new CaravanException(ErrorCode.TIMEOUT, "no answer from " + process + " within " + limitMs
                        + " ms; last error: " + last.getMessage(), last);
            }
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ErrorCode.UNAVAILABLE.exception("interrupted while retrying an evaluation");
            }
            pauseMs = Math.min(500, pauseMs * 2);
        }
    }
}
