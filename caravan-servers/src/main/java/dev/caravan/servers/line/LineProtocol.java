package dev.caravan.servers.line;

import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.Protocol;
import dev.caravan.wire.CaravanException;

import java.util.List;

/**
 * A text line {@link Protocol} (see {@link LineCodec} for the bytes) around a {@link LineHandler}:
 * the control channel, the state examples. A {@link CaravanException} from the handler becomes
 * that request's {@code ERR} reply and the connection keeps serving; any other exception closes
 * the connection (a bug, not bad input).
 *
 * <p>Threading: as {@link Protocol}; the handler must be thread-safe.
 */
public final class LineProtocol implements Protocol<String, String> {
    public static final int DEFAULT_MAX_LINE_BYTES = 1024;
    private final String name;
    private final LineHandler handler;

    public LineProtocol(String name, LineHandler handler) {
        this.name = name;
        this.handler = handler;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Codec<String, String> newCodec() {
        return new LineCodec(DEFAULT_MAX_LINE_BYTES);
    }

    @Override
    public void handle(List<String> batch, List<String> replies) throws InterruptedException {
        for (String line : batch) {
            String reply;
            try {
                reply = handler.onLine(line);
            } catch (CaravanException e) {
                reply = LineCodec.errorLine(e);
            }
            replies.add(reply);
        }
    }
}
