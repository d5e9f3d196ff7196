package dev.caravan.servers.resp;

import dev.caravan.servers.protocol.AsyncProtocol;
import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.Connection;
import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.servers.protocol.Protocol;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.RespWriter;
import dev.caravan.wire.resp.SessionLink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * RESP (what redis-cli and redis-benchmark speak) as a {@link Protocol}: requests decoded by
 * {@link RespRequestDecoder}, replies encoded by the wire module's {@link RespWriter}, one
 * {@link RespSession} per connection. Bad input is answered with {@code -ERR Protocol error:
 * ...} and the connection closes, as Redis does.
 *
 * <p>Control replies: {@link Reply.Suppressed} writes nothing; {@link Reply.Closing} writes its
 * reply, then the connection closes (QUIT and CLIENT KILL are the handler's business: it
 * answers them with {@code Closing}). When the connection ends, whatever the cause, the handler
 * hears of it once ({@link RespCommandHandler#onClosed}).
 *
 * <p>Session links: a protocol made {@link #withSessionLink(String) with a link token} also
 * serves forwarders. A connection whose first command is the {@link SessionLink} hello with
 * that token becomes a link connection: its batches run in the forwarder's sessions, its own
 * end closes no session. Without a link token, {@code CARAVAN.*} commands are passed to the
 * handler like any other.
 *
 * <p>Threading: {@link RespCommandHandler#execute} is called on the model's serving thread;
 * see {@link Protocol}. On {@link dev.caravan.servers.model.ServerModel#PROCESS_THREAD}, whose
 * serving thread must not wait, batches go through the handler's asynchronous
 * {@link RespCommandHandler#execute(RespSession, List, java.util.function.Consumer)} instead
 * ({@link AsyncProtocol}).
 */
public final class RespProtocol implements AsyncProtocol<Command, Reply> {
    /** The session of a codec made without a connection (in-memory use): no addresses, closing does nothing. */
    private static final Connection DETACHED = new Connection() {
        @Override
        public InetSocketAddress remoteAddress() {
            return null;
        }

        @Override
        public InetSocketAddress localAddress() {
            return null;
        }

        @Override
        public void close() {
        }
    };

    private final RespCommandHandler handler;
    private final RespLimits limits;
    private final String linkToken;

    private RespProtocol(RespCommandHandler handler, RespLimits limits, String linkToken) {
        this.handler = handler;
        this.limits = limits;
        this.linkToken = linkToken;
    }

    public RespProtocol(RespCommandHandler handler, RespLimits limits) {
        this(handler, limits, null);
    }

    public RespProtocol(RespCommandHandler handler) {
        this(handler, RespLimits.DEFAULTS);
    }

    /**
     * The same protocol, also accepting {@link SessionLink} connections that open with
     * {@code token} (the cluster token; "" when the cluster has none).
     */
    public RespProtocol withSessionLink(String token) {
        return new RespProtocol(handler, limits, java.util.Objects.requireNonNull(token));
    }

    @Override
    public String name() {
        return "resp";
    }

    @Override
    public Codec<Command, Reply> newCodec() {
        return newCodec(DETACHED);
    }

    @Override
    public Codec<Command, Reply> newCodec(Connection connection) {
        return new RespCodec(limits, RespSession.direct(connection));
    }

    /** Without a codec there is no session: the batch runs in a fresh detached one. */
    @Override
    public void handle(List<Command> batch, List<Reply> replies) throws InterruptedException {
        run(RespSession.direct(DETACHED), batch, replies);
    }

    @Override
    public void handle(Codec<Command, Reply> codec, List<Command> batch, List<Reply> replies) throws InterruptedException {
        if (!(codec instanceof RespCodec c)) {
            handle(batch, replies);
            return;
        }
        if (c.link != null) {
            c.link.handle(batch, replies);
            return;
        }
        if (!c.started && linkToken != null && batch.get(0).name().equals(SessionLink.HELLO)) {
            c.started = true;
            openLink(c, batch, replies);
            return;
        }
        c.started = true;
        run(c.session, batch, replies);
    }

    /** {@link #handle(Codec, List, List)} answered through {@code done}, now or later (see {@link AsyncProtocol}). */
    @Override
    public void handle(Codec<Command, Reply> codec, List<Command> batch, Replies<Reply> done) throws InterruptedException {
        if (!(codec instanceof RespCodec c)) {
            List<Reply> replies = new java.util.ArrayList<>(batch.size());
            handle(batch, replies);
            done.accept(replies);
            return;
        }
        if (c.link != null) {
            c.link.handle(batch, done);
            return;
        }
        if (!c.started && linkToken != null && batch.get(0).name().equals(SessionLink.HELLO)) {
            c.started = true;
            List<Reply> replies = new java.util.ArrayList<>(batch.size());
            if (!admitLink(c, batch, replies) || batch.size() == 1) {
                done.accept(replies);
                return;
            }
            c.link.handle(batch.subList(1, batch.size()), rest -> {
                replies.addAll(rest);
                done.accept(replies);
            });
            return;
        }
        c.started = true;
        handler.execute(c.session, batch, out -> {
            if (out.length != batch.size()) {
                throw new IllegalStateException(out.length + " replies for " + batch.size() + " commands");
            }
            done.accept(java.util.Arrays.asList(out));
        });
    }

    private void run(RespSession session, List<Command> batch, List<Reply> replies) throws InterruptedException {
        Reply[] out = handler.execute(session, batch);
        if (out.length != batch.size()) {
            throw new IllegalStateException(out.length + " replies for " + batch.size() + " commands");
        }
        for (Reply r : out) {
            replies.add(r);
        }
    }

    private void openLink(RespCodec c, List<Command> batch, List<Reply> replies) throws InterruptedException {
        if (admitLink(c, batch, replies) && batch.size() > 1) {
            c.link.handle(batch.subList(1, batch.size()), replies);
        }
    }

    /**
     * The hello of a link: on the right token the connection becomes a link connection and the
     * hello is answered OK; otherwise it is refused and closed. Appends the replies of the hello
     * (and, when refused, of the rest); returns whether the link is open.
     */
    private boolean admitLink(RespCodec c, List<Command> batch, List<Reply> replies) {
        boolean admitted;
        try {
            admitted = SessionLink.admits(batch.get(0), linkToken);
        } catch (CaravanException e) {
            admitted = false;
        }
        if (!admitted) {
            replies.add(new Reply.Closing(Reply.error("ERR session link refused: wrong cluster token or version")));
            for (int i = 1; i < batch.size(); i++) {
                replies.add(Reply.SUPPRESSED);
            }
            return false;
        }
        c.link = new SessionLinkReceiver(handler);
        replies.add(Reply.OK);
        return true;
    }

    /** One connection: the incremental decoder, a reusable writer over the out-buffer, and the session. */
    private final class RespCodec implements Codec<Command, Reply> {
        private final RespRequestDecoder decoder;
        private final RespSession session;
        private OutBuffer boundTo;
        private RespWriter writer;
        private boolean started;
        private boolean closed;
        private SessionLinkReceiver link;

        RespCodec(RespLimits limits, RespSession session) {
            this.decoder = new RespRequestDecoder(limits);
            this.session = session;
        }

        @Override
        public Command decode(java.nio.ByteBuffer in) {
            return decoder.decode(in);
        }

        @Override
        public void encode(Reply reply, OutBuffer out) {
            if (reply instanceof Reply.Suppressed) {
                return;
            }
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
            return reply instanceof Reply.Closing;
        }

        @Override
        public void onClosed() {
            // A link connection's end is not its sessions' end; a session that never sent anything is told all the same.
            if (closed || link != null) {
                return;
            }
            closed = true;
            handler.onClosed(session);
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
