package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Body of {@link dev.caravan.wire.Op#NODE_EVAL}: remote evaluation, a function shipped to the
 * node hosting {@code process}. The bundle must be on the node already (pushed with
 * {@link dev.caravan.wire.Op#NODE_PUT_BUNDLE}, which is idempotent: bundles are stored by hash).
 *
 * <pre>
 * request := string process, string bundleHash, string className, i32 argCount, bytes arg × argCount,
 *            i64 timeBudgetMs, i64 memoryBudgetBytes
 * reply   := Reply (CommandCodec), i64 elapsedNs, i64 allocatedBytes
 * </pre>
 *
 * Limits, checked before anything is copied: at most {@value #MAX_ARGS} arguments of at most
 * {@value #MAX_ARGS_BYTES} bytes together; a time budget of 1 ms..{@value #MAX_TIME_BUDGET_MS} ms
 * and a memory budget of {@value #MIN_MEMORY_BUDGET_BYTES} bytes..{@value #MAX_MEMORY_BUDGET_BYTES} bytes.
 */
public record EvalRequest(String process, String bundleHash, String className, List<byte[]> args,
                          long timeBudgetMs, long memoryBudgetBytes) {
    public static final int MAX_ARGS = 1024;
    public static final int MAX_ARGS_BYTES = 16 << 20;
    public static final long MAX_TIME_BUDGET_MS = 600_000;
    public static final long MIN_MEMORY_BUDGET_BYTES = 64 << 10;
    public static final long MAX_MEMORY_BUDGET_BYTES = 4L << 30;
    /** What {@code caravan eval} asks when told nothing: 2 s and 64 MiB. */
    public static final long DEFAULT_TIME_BUDGET_MS = 2_000;
    public static final long DEFAULT_MEMORY_BUDGET_BYTES = 64L << 20;

    public EvalRequest {
        args = List.copyOf(args);
        if (args.size() > MAX_ARGS) {
            throw ErrorCode.TOO_LARGE.exception(args.size() + " arguments exceed the limit of " + MAX_ARGS);
        }
        long total = 0;
        for (byte[] a : args) {
            total += a.length;
        }
        if (total > MAX_ARGS_BYTES) {
            throw ErrorCode.TOO_LARGE.exception("arguments of " + total + " bytes exceed the limit of " + MAX_ARGS_BYTES);
        }
        if (process.isEmpty() || className.isEmpty() || bundleHash.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("an evaluation needs a process, a bundle hash and a class name");
        }
        if (timeBudgetMs < 1 || timeBudgetMs > MAX_TIME_BUDGET_MS) {
            throw ErrorCode.INVALID_ARGUMENT.exception("the time budget must be 1 ms.." + MAX_TIME_BUDGET_MS + " ms, got "
                    + timeBudgetMs + " ms");
        }
        if (memoryBudgetBytes < MIN_MEMORY_BUDGET_BYTES || memoryBudgetBytes > MAX_MEMORY_BUDGET_BYTES) {
            throw ErrorCode.INVALID_ARGUMENT.exception("the memory budget must be " + MIN_MEMORY_BUDGET_BYTES + ".."
                    + MAX_MEMORY_BUDGET_BYTES + " bytes, got " + memoryBudgetBytes);
        }
    }

    public void writeTo(BodyWriter w) {
        w.string(process).string(bundleHash).string(className).i32(args.size());
        for (byte[] a : args) {
            w.bytes(a);
        }
        w.i64(timeBudgetMs).i64(memoryBudgetBytes);
    }

    /** Reads a request, refusing too many or too large arguments before copying them. */
    public static EvalRequest readFrom(BodyReader r) {
        String process = r.string();
        String hash = r.string();
        String className = r.string();
        int n = r.i32();
        if (n < 0) {
            throw ErrorCode.MALFORMED.exception("argument count " + n + " is negative");
        }
        if (n > MAX_ARGS) {
            throw ErrorCode.TOO_LARGE.exception(n + " arguments exceed the limit of " + MAX_ARGS);
        }
        List<byte[]> args = new ArrayList<>(n);
        long total = 0;
        int[] len = new int[1];
        for (int i = 0; i < n; i++) {
            int at = r.bytesInPlace(len);
            total += len[0];
            if (total > MAX_ARGS_BYTES) {
                throw ErrorCode.TOO_LARGE.exception("arguments of more than " + MAX_ARGS_BYTES + " bytes exceed the limit");
            }
            args.add(Arrays.copyOfRange(r.array(), at, at + len[0]));
        }
        return new EvalRequest(process, hash, className, args, r.i64(), r.i64());
    }
}
