package dev.caravan.servers.resp;

import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.servers.protocol.Protocol;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.RespWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * RESP2 (what redis-cli and redis-benchmark speak) as a {@link Protocol}: requests decoded by
 * {@link RespRequestDecoder}, replies encoded by the wire module's {@link RespWriter}. Bad
 * input is answered with {@code -ERR Protocol error: ...} and the connection closes, as Redis
 * does; {@code QUIT} is answered and then the connection closes.
 *
 * <p>Threading: {@link RespCommandHandler#execute} is called on the model's serving thread;
 * see {@link Protocol}.
 */
public final class RespProtocol implements Protocol<Command, Reply> {
    private final RespCommandHandler handler;
    private final RespLimits limits;

    public RespProtocol(RespCommandHandler handler, RespLimits limits) {
        this.handler = handler;
        this.limits = limits;
    }

    public RespProtocol(RespCommandHandler handler) {
        this(handler, RespLimits.DEFAULTS);
    }

    @Override
    public String name() {
        return "resp";
    }

    @Override
    public Codec<Command, Reply> newCodec() {
        return new RespCodec(limits);
    }

    @Override
    public void handle(List<Command> batch, List<Reply> replies) throws InterruptedException {
        Reply[] out = handler.execute(batch);
        if (out.length != batch.size()) {
            throw new IllegalStateException(out.length + " replies for " + batch.size() + " commands");
        }
        replies.addAll(List.of(out));
    }

    /** One connection: the incremental decoder and a reusable writer over the out-buffer. */
    private static final class RespCodec implements Codec<Command, Reply> {
        private final RespRequestDecoder decoder;
        private OutBuffer boundTo;
        private RespWriter writer;

        RespCodec(RespLimits limits) {
            decoder = new RespRequestDecoder(limits);
        }

        @Override
        public Command decode(java.nio.ByteBuffer in) {
            return decoder.decode(in);
        }

        @Override
        public void encode(Reply reply, OutBuffer out) {
            try {
                writerFor(out).write(reply);
                writer.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("in-memory buffer failed", e);
            }
        }

        @Override
        public void encodeError(CaravanException error, OutBuffer out) {
            encode(Reply.error("ERR " + error.getMessage()), out);
        }

        @Override
        public boolean closeAfter(Command request, Reply reply) {
            return request.size() == 1 && request.name().equals("QUIT");
        }

        @Override
        public int maxBufferedBytes() {
            return decoder.maxBufferedBytes();
        }

        private RespWriter writerFor(OutBuffer out) {
            if (boundTo != out) {
                boundTo = out;
                writer = new RespWriter(out.asStream());
            }
            return writer;
        }
    }
}
