package dev.caravan.servers.resp;

import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.servers.protocol.Protocol;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.CommandBudget;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.RespWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * RESP2 (what redis-cli and redis-benchmark speak) as a {@link Protocol}: requests decoded by
 * {@link RespRequestDecoder}, replies encoded by the wire module's {@link RespWriter}. Bad
 * input is answered with {@code -ERR Protocol error: ...} and the connection closes, as Redis
 * does; {@code QUIT} is answered and then the connection closes. A command over the query
 * buffer limit closes the connection without a reply, as Redis does, and is logged in Redis's
 * words ({@link CommandBudget#QUERY_BUFFER_LIMIT}).
 *
 * <p>Off-heap values: the commands of a batch hold the off-heap arguments the decoder read;
 * they are released once {@link RespCommandHandler#execute} returns, so a handler that passes
 * them to another thread retains them ({@link Command#retain}). Replies are owned by the
 * protocol once returned: an {@link Reply.OffHeapBulk} is queued on the connection's
 * out-buffer by reference and released once written (or when the connection ends).
 *
 * <p>With {@code passwordRequired}, a connection starts unauthenticated and gets Redis's
 * stricter limits until a reply shows it authenticated ({@code AUTH} answered {@code +OK},
 * {@code HELLO … AUTH} answered without an error); {@code RESET} makes it unauthenticated
 * again. As redis-server reads one command at a time, decoding pauses after an {@code AUTH}
 * or {@code HELLO} from an unauthenticated client until its reply is seen.
 *
 * <p>Threading: {@link RespCommandHandler#execute} is called on the model's serving thread;
 * see {@link Protocol}.
 */
public final class RespProtocol implements Protocol<Command, Reply> {
    private static final System.Logger LOG = System.getLogger(RespProtocol.class.getName());
    private final RespCommandHandler handler;
    private final RespLimits limits;
    private final boolean passwordRequired;

    public RespProtocol(RespCommandHandler handler, RespLimits limits) {
        this(handler, limits, false);
    }

    /** @param passwordRequired whether clients must authenticate (Redis's limits for unauthenticated clients apply) */
    public RespProtocol(RespCommandHandler handler, RespLimits limits, boolean passwordRequired) {
        this.handler = handler;
        this.limits = limits;
        this.passwordRequired = passwordRequired;
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
        return new RespCodec(limits, passwordRequired);
    }

    @Override
    public void handle(List<Command> batch, List<Reply> replies) throws InterruptedException {
        try {
            Reply[] out = handler.execute(batch);
            if (out.length != batch.size()) {
                throw new IllegalStateException(out.length + " replies for " + batch.size() + " commands");
            }
            replies.addAll(List.of(out));
        } finally {
            batch.forEach(Command::release);
        }
    }

    /**
     * Bytes of arguments decoded and not yet answered after which a connection's batch ends, so
     * that a client pipelining big values holds about one of them at a time, as with Redis.
     */
    static final long MAX_UNANSWERED_BYTES = 64L << 20;

    /** One connection: the incremental decoder and a reusable writer over the out-buffer. */
    private static final class RespCodec implements Codec<Command, Reply> {
        private final RespRequestDecoder decoder;
        /** Commands decoded and not yet answered, and their argument bytes (reset when all are answered). */
        private int unanswered;
        private long unansweredBytes;
        private final boolean passwordRequired;
        private boolean authRequired;
        /** An AUTH or HELLO of an unauthenticated client awaits its reply: decode nothing more until then. */
        private boolean awaitingAuthReply;
        private OutBuffer boundTo;
        private RespWriter writer;

        RespCodec(RespLimits limits, boolean passwordRequired) {
            decoder = new RespRequestDecoder(limits);
            this.passwordRequired = passwordRequired;
            setAuthRequired(passwordRequired);
        }

        private void setAuthRequired(boolean required) {
            authRequired = required;
            decoder.authRequired(required);
        }

        @Override
        public Command decode(java.nio.ByteBuffer in) {
            // Either pause leaves a decoded command unanswered, so the model handles a batch before decoding again.
            if (awaitingAuthReply || unansweredBytes >= MAX_UNANSWERED_BYTES) {
                return null;
            }
            Command c = decoder.decode(in);
            if (c == null) {
                return null;
            }
            if (authRequired && (c.name().equals("AUTH") || c.name().equals("HELLO"))) {
                awaitingAuthReply = true;
            }
            unanswered++;
            unansweredBytes += c.payloadBytes();
            return c;
        }

        /** Writes the reply and gives back its off-heap references (the out-buffer holds its own). */
        @Override
        public void encode(Reply reply, OutBuffer out) {
            if (unanswered > 0 && --unanswered == 0) {
                // The models answer a whole batch before decoding more: the window starts afresh.
                unansweredBytes = 0;
            }
            try {
                writerFor(out).write(reply);
                writer.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("in-memory buffer failed", e);
            } finally {
                Reply.release(reply);
            }
        }

        @Override
        public void discard(Reply reply) {
            Reply.release(reply);
        }

        @Override
        public void encodeError(CaravanException error, OutBuffer out) {
            if (CommandBudget.isQueryBufferLimit(error)) {
                LOG.log(System.Logger.Level.WARNING, error.getMessage());
                return;
            }
            encode(Reply.error("ERR " + error.getMessage()), out);
        }

        @Override
        public boolean closeAfter(Command request, Reply reply) {
            if (passwordRequired) {
                onAuthReply(request, reply);
            }
            return request.size() == 1 && request.name().equals("QUIT");
        }

        /** Follows the client's authentication through the replies it gets (see the class comment). */
        private void onAuthReply(Command request, Reply reply) {
            switch (request.name()) {
                case "AUTH" -> {
                    if (reply.equals(Reply.OK)) {
                        setAuthRequired(false);
                    }
                    awaitingAuthReply = false;
                }
                case "HELLO" -> {
                    if (!(reply instanceof Reply.Error) && hasAuthOption(request)) {
                        setAuthRequired(false);
                    }
                    awaitingAuthReply = false;
                }
                case "RESET" -> setAuthRequired(true);
                default -> {
                    // Other commands leave authentication as it is.
                }
            }
        }

        private static boolean hasAuthOption(Command hello) {
            for (int i = 2; i < hello.size(); i++) {
                if (!hello.isOffHeap(i) && hello.text(i).equalsIgnoreCase("AUTH")) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
            decoder.close();
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
