package dev.caravan.servers.line;

import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A text line protocol's codec: one request per line, one reply per line.
 *
 * <pre>
 * request:  UTF-8 text (1..maxLineBytes bytes, no NUL) '\n'       ('\r' before '\n' is dropped)
 * reply:    UTF-8 text '\n'
 * error:    "ERR " CODE_NAME ' ' message '\n'                       (CODE_NAME from ErrorCode)
 * </pre>
 *
 * <p>A line longer than {@code maxLineBytes} is {@link ErrorCode#TOO_LARGE} and a line that is
 * not UTF-8 or holds a NUL is {@link ErrorCode#MALFORMED}: the stream is then out of step, so the
 * model writes {@link #encodeError} and closes that connection only. A well-formed line the
 * handler rejects is answered with the same {@code ERR} form and the connection stays open
 * (see {@link LineProtocol}).
 *
 * <p>Threading: one instance per connection, one thread at a time.
 */
public final class LineCodec implements Codec<String, String> {
    private final int maxLineBytes;

    public LineCodec(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public String decode(ByteBuffer in) {
        int start = in.position();
        int limit = in.limit();
        for (int i = start; i < limit; i++) {
            if (in.get(i) == '\n') {
                int end = i > start && in.get(i - 1) == '\r' ? i - 1 : i;
                if (end - start > maxLineBytes) {
                    throw tooLong();
                }
                ByteBuffer line = in.duplicate().limit(end).position(start);
                in.position(i + 1);
                return text(line);
            }
        }
        if (limit - start > maxLineBytes + 1) {
            throw tooLong();
        }
        return null;
    }

    private CaravanException tooLong() {
        return ErrorCode.TOO_LARGE.exception("line longer than " + maxLineBytes + " bytes");
    }

    private static String text(ByteBuffer bytes) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
            if (s.indexOf('\0') >= 0) {
                throw ErrorCode.MALFORMED.exception("line holds a NUL byte");
            }
            return s;
        } catch (CharacterCodingException e) {
            throw ErrorCode.MALFORMED.exception("line is not UTF-8");
        }
    }

    @Override
    public void encode(String reply, OutBuffer out) {
        out.utf8(reply);
        out.write((byte) '\n');
    }

    @Override
    public void encodeError(CaravanException error, OutBuffer out) {
        encode(errorLine(error), out);
    }

    /** The {@code ERR CODE message} line for an error (newlines in the message become spaces). */
    public static String errorLine(CaravanException error) {
        String msg = String.valueOf(error.getMessage()).replace('\n', ' ').replace('\r', ' ');
        return "ERR " + error.code().name() + " " + msg;
    }

    @Override
    public int maxBufferedBytes() {
        return maxLineBytes + 2;
    }
}
