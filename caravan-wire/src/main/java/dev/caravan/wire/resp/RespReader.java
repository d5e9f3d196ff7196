package dev.caravan.wire.resp;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.OffHeapBytes;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes client requests on a RESP2 data endpoint, as a Redis server does.
 *
 * <pre>
 * multibulk:  *&lt;n&gt;\r\n  then n × ( $&lt;len&gt;\r\n &lt;len bytes&gt;\r\n )     (redis-cli, redis-benchmark)
 * inline:     SET a "b c"\r\n                                       (telnet; \n alone also ends it)
 * </pre>
 *
 * <p>Empty inline lines and empty multibulks ({@code *0}, {@code *-1}) are skipped, as Redis
 * skips them. Protocol errors carry Redis's wording ("Protocol error: invalid bulk length")
 * as a {@link dev.caravan.wire.CaravanException} with code {@link ErrorCode#MALFORMED}, or
 * {@link ErrorCode#TOO_LARGE} for a length over the {@link RespLimits}; after one the stream is
 * out of step: reply with the error and close, as Redis does.
 *
 * <p>Threading: not thread-safe; one reader per connection, used by its reading thread.
 * Pipelining: after {@link #read()} returns, {@link #hasBufferedInput()} tells whether the
 * client already sent more, so the caller can gather a batch without blocking.
 */
public final class RespReader extends RespInput {
    private static final byte[][] NO_ARGS = new byte[0][];
    private final CommandBudget budget;
    /** Off-heap arguments of the command being read (null when it has none). */
    private OffHeapBytes[] offHeap;

    public RespReader(InputStream in, RespLimits limits) {
        super(in, limits);
        this.budget = new CommandBudget(limits);
    }

    public RespReader(InputStream in) {
        this(in, RespLimits.DEFAULTS);
    }

    /** See {@link CommandBudget#authRequired(boolean)}. */
    public void authRequired(boolean required) {
        budget.authRequired(required);
    }

    /**
     * Blocks for the next command. Arguments longer than {@link RespLimits#offHeapBulkBytes}
     * are off-heap ({@link Command#offHeap}); the caller owns the command's reference to them.
     *
     * @return the command, or {@code null} at a clean end of stream (between commands)
     * @throws dev.caravan.wire.CaravanException on a protocol error (MALFORMED / TOO_LARGE; see {@link CommandBudget})
     * @throws EOFException when the stream ends inside a command
     */
    public Command read() throws IOException {
        while (true) {
            if (pos == lim && !fill()) {
                return null;
            }
            if (buf[pos] != '*') {
                byte[][] args = inline();
                if (args.length > 0) {
                    return new Command(args);
                }
                continue;
            }
            offHeap = null;
            byte[][] args;
            try {
                args = multibulk();
            } catch (IOException | RuntimeException e) {
                releaseOffHeap();
                throw e;
            }
            if (args.length > 0) {
                OffHeapBytes[] big = offHeap;
                offHeap = null;
                return new Command(args, big);
            }
        }
    }

    private void releaseOffHeap() {
        if (offHeap != null) {
            for (OffHeapBytes b : offHeap) {
                if (b != null) {
                    b.release();
                }
            }
            offHeap = null;
        }
    }

    private byte[][] multibulk() throws IOException {
        long n = headerNumber("Protocol error: too big mbulk count string");
        budget.onMultibulk(n);
        if (n <= 0) {
            return NO_ARGS;
        }
        byte[][] args = new byte[(int) Math.min(n, 1024)][];
        for (int i = 0; i < n; i++) {
            if (pos == lim) {
                fillOrEof();
            }
            if (buf[pos] != '$') {
                throw malformed("Protocol error: expected '$', got '" + printable(buf[pos]) + "'");
            }
            long len = headerNumber("Protocol error: too big bulk count string");
            boolean big = budget.onBulk(len);
            if (i == args.length) {
                args = java.util.Arrays.copyOf(args, (int) Math.min(n, 2L * args.length));
            }
            if (big) {
                if (offHeap == null) {
                    offHeap = new OffHeapBytes[args.length];
                } else if (offHeap.length < args.length) {
                    offHeap = java.util.Arrays.copyOf(offHeap, args.length);
                }
                offHeap[i] = offHeapBulkBody(len);
            } else {
                args[i] = bulkBody((int) len);
            }
        }
        if (offHeap != null && offHeap.length < args.length) {
            offHeap = java.util.Arrays.copyOf(offHeap, args.length);
        }
        return args;
    }

    private static char printable(byte b) {
        return b >= 32 && b < 127 ? (char) b : '?';
    }

    private byte[][] inline() throws IOException {
        int nl = lineEnd("Protocol error: too big inline request", false);
        int end = nl > pos && buf[nl - 1] == '\r' ? nl - 1 : nl;
        int start = pos;
        pos = nl + 1;
        return InlineSplitter.split(buf, start, end);
    }
}
