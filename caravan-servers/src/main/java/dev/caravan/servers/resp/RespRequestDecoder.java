package dev.caravan.servers.resp;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.OffHeapBytes;
import dev.caravan.wire.resp.CommandBudget;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.RespReader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An incremental RESP2 request decoder over {@link ByteBuffer}s, for the non-blocking models:
 * the same grammar, limits ({@link RespLimits}) and error wording as the stream-based
 * {@link RespReader}, but it never blocks — it returns {@code null} when a request is not
 * complete and keeps what it parsed so far.
 *
 * <pre>
 *  START ──'*'──► header *n ──► BULK_HEADER ($len) ──► BULK_BODY (len bytes + CRLF) ──┐
 *    │                               ▲────────────── more arguments ◄─────────────────┘
 *    └─other──► inline line up to \n (split exactly as RespReader splits it)
 * </pre>
 *
 * <p>Header lines stay in the caller's buffer until complete (at most
 * {@code maxInlineBytes}); bulk bodies are copied out as they arrive, so a huge value never
 * needs a huge read buffer. A bulk longer than {@link RespLimits#offHeapBulkBytes} is copied
 * into off-heap memory ({@link OffHeapBytes}, chunk by chunk as it arrives), so the heap does
 * not grow with it; the command it belongs to holds it ({@link Command#offHeap}). Every header
 * is checked by a {@link CommandBudget} (Redis's limits and wording, in its order) before
 * anything is allocated for it. {@link #close()} releases a command left half-read.
 * Threading: one instance per connection, one thread at a time.
 */
public final class RespRequestDecoder {
    private static final int EAGER_BULK_BYTES = 1 << 20;
    private static final int START = 0;
    private static final int BULK_HEADER = 1;
    private static final int BULK_BODY = 2;

    private final RespLimits limits;
    private final CommandBudget budget;
    private int state = START;
    private byte[][] args;
    /** Off-heap arguments of the command being read; null while it has none. */
    private OffHeapBytes[] offHeap;
    private long argCount;
    private int argIndex;
    private byte[] value;
    private OffHeapBytes offHeapValue;
    private int valueLen;
    private int valueOff;

    public RespRequestDecoder(RespLimits limits) {
        this.limits = limits;
        this.budget = new CommandBudget(limits);
    }

    /** See {@link CommandBudget#authRequired(boolean)}: Redis's limits for clients that must still authenticate. */
    public void authRequired(boolean required) {
        budget.authRequired(required);
    }

    /** Releases the off-heap memory of a command left half-read (the connection ended). Idempotent. */
    public void close() {
        if (offHeapValue != null) {
            offHeapValue.release();
            offHeapValue = null;
        }
        if (offHeap != null) {
            for (OffHeapBytes b : offHeap) {
                if (b != null) {
                    b.release();
                }
            }
            offHeap = null;
        }
        args = null;
        value = null;
        state = START;
    }

    /** Bytes a caller's buffer must be able to hold: the longest header or inline line plus slack. */
    public int maxBufferedBytes() {
        return limits.maxInlineBytes() + 16 * 1024;
    }

    /**
     * Decodes the next command.
     *
     * @return the command, or {@code null} if {@code in} ends before it does
     * @throws CaravanException MALFORMED or TOO_LARGE, worded as Redis words them
     */
    public Command decode(ByteBuffer in) {
        while (true) {
            switch (state) {
                case START -> {
                    if (!in.hasRemaining()) {
                        return null;
                    }
                    if (in.get(in.position()) != '*') {
                        int nl = lineEnd(in, "Protocol error: too big inline request");
                        if (nl < 0) {
                            return null;
                        }
                        byte[][] inline = inline(in, nl);
                        if (inline.length > 0) {
                            return new Command(inline);
                        }
                        continue;
                    }
                    int nl = lineEnd(in, "Protocol error: too big mbulk count string");
                    if (nl < 0) {
                        return null;
                    }
                    long n = headerNumber(in, nl);
                    budget.onMultibulk(n);
                    if (n <= 0) {
                        continue;
                    }
                    argCount = n;
                    argIndex = 0;
                    args = new byte[(int) Math.min(n, 1024)][];
                    state = BULK_HEADER;
                }
                case BULK_HEADER -> {
                    if (!in.hasRemaining()) {
                        return null;
                    }
                    byte first = in.get(in.position());
                    if (first != '$') {
                        throw malformed("Protocol error: expected '$', got '" + printable(first) + "'");
                    }
                    int nl = lineEnd(in, "Protocol error: too big bulk count string");
                    if (nl < 0) {
                        return null;
                    }
                    long len = headerNumber(in, nl);
                    boolean big = budget.onBulk(len);
                    valueLen = (int) len;
                    valueOff = 0;
                    if (big) {
                        offHeapValue = OffHeapBytes.allocate(len);
                    } else {
                        value = new byte[Math.min(valueLen, EAGER_BULK_BYTES)];
                    }
                    state = BULK_BODY;
                }
                case BULK_BODY -> {
                    if (offHeapValue != null) {
                        int limit = in.limit();
                        in.limit(in.position() + Math.min(in.remaining(), valueLen - valueOff));
                        valueOff += offHeapValue.append(in);
                        in.limit(limit);
                    } else {
                        int n = Math.min(in.remaining(), valueLen - valueOff);
                        if (n > 0) {
                            if (value.length < valueOff + n) {
                                value = Arrays.copyOf(value, (int) Math.min(valueLen, Math.max(valueOff + n, 2L * value.length)));
                            }
                            in.get(value, valueOff, n);
                            valueOff += n;
                        }
                    }
                    if (valueOff < valueLen || in.remaining() < 2) {
                        return null;
                    }
                    if (in.get() != '\r' || in.get() != '\n') {
                        throw malformed("Protocol error: bulk string not terminated by CRLF");
                    }
                    if (argIndex == args.length) {
                        args = Arrays.copyOf(args, (int) Math.min(argCount, 2L * args.length));
                    }
                    if (offHeapValue != null) {
                        if (offHeap == null || offHeap.length < args.length) {
                            offHeap = offHeap == null ? new OffHeapBytes[args.length] : Arrays.copyOf(offHeap, args.length);
                        }
                        offHeap[argIndex++] = offHeapValue;
                        offHeapValue = null;
                    } else {
                        args[argIndex++] = value;
                        value = null;
                    }
                    if (argIndex == argCount) {
                        state = START;
                        byte[][] done = args;
                        OffHeapBytes[] big = offHeap == null || offHeap.length == done.length ? offHeap
                                : Arrays.copyOf(offHeap, done.length);
                        args = null;
                        offHeap = null;
                        return new Command(done, big);
                    }
                    state = BULK_HEADER;
                }
                default -> throw new IllegalStateException("decoder state " + state);
            }
        }
    }

    private int lineEnd(ByteBuffer in, String tooLong) {
        int lim = in.limit();
        for (int i = in.position(); i < lim; i++) {
            if (in.get(i) == '\n') {
                return i;
            }
        }
        if (in.remaining() > limits.maxInlineBytes()) {
            throw ErrorCode.TOO_LARGE.exception(tooLong);
        }
        return -1;
    }

    /** Parses {@code *n} / {@code $n} up to CRLF and consumes the line; MIN_VALUE when invalid. */
    private static long headerNumber(ByteBuffer in, int nl) {
        int start = in.position();
        in.position(nl + 1);
        if (nl <= start || in.get(nl - 1) != '\r') {
            return Long.MIN_VALUE;
        }
        int len = nl - 1 - (start + 1);
        if (len <= 0 || len > 20) {
            return Long.MIN_VALUE;
        }
        byte[] digits = new byte[len];
        in.get(start + 1, digits);
        return parseLong(digits);
    }

    /** Redis's {@code string2ll}: optional '-', digits, no leading zeros, no overflow. */
    static long parseLong(byte[] b) {
        boolean negative = b[0] == '-';
        int i = negative ? 1 : 0;
        if (i == b.length || (b[i] == '0' && (b.length - i > 1 || negative))) {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (; i < b.length; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9 || v < (Long.MIN_VALUE + d) / 10) {
                return Long.MIN_VALUE;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            return v == Long.MIN_VALUE ? Long.MIN_VALUE : -v;
        }
        return v;
    }

    /**
     * Inline commands are rare (telnet users), so they are handed, line by line, to the
     * wire module's {@link RespReader}: one splitter, one error wording.
     */
    private byte[][] inline(ByteBuffer in, int nl) {
        byte[] line = new byte[nl + 1 - in.position()];
        in.get(line);
        byte[][] plain = plainInline(line);
        if (plain != null) {
            return plain;
        }
        try {
            Command c = new RespReader(new ByteArrayInputStream(line), limits).read();
            return c == null ? new byte[0][] : c.args();
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory RESP line failed", e);
        }
    }

    /**
     * A line without quotes splits on blanks alone ({@code sdssplitargs} treats every other byte,
     * a backslash too, as part of a word): the common inline command ({@code PING}) without a
     * reader per line. Null when the line has quotes (the full splitter handles those).
     */
    private static byte[][] plainInline(byte[] line) {
        int words = 0;
        boolean inWord = false;
        for (byte b : line) {
            if (b == '"' || b == '\'') {
                return null;
            }
            boolean blank = isBlank(b);
            if (!blank && !inWord) {
                words++;
            }
            inWord = !blank;
        }
        byte[][] out = new byte[words][];
        int w = 0;
        int i = 0;
        while (w < words) {
            while (isBlank(line[i])) {
                i++;
            }
            int start = i;
            while (i < line.length && !isBlank(line[i])) {
                i++;
            }
            out[w++] = Arrays.copyOfRange(line, start, i);
        }
        return out;
    }

    /** C's {@code isspace}, as {@code sdssplitargs} uses it. */
    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    private static CaravanException malformed(String message) {
        return ErrorCode.MALFORMED.exception(message);
    }

    private static char printable(byte b) {
        return b >= 32 && b < 127 ? (char) b : '?';
    }
}
