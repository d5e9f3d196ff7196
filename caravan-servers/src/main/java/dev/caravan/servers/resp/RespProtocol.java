package dev.caravan.servers.resp;

import dev.caravan.servers.protocol.AsyncProtocol;
import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.Connection;
import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.servers.protocol.Protocol;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.CommandBudget;
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
 * <p>Off-heap values: the commands of a batch hold the off-heap arguments the decoder read;
 * they are released once {@link RespCommandHandler#execute} returns (for the asynchronous
 * variant: once it has answered through its callback), so a handler that keeps
 * them past the call or passes them to another thread retains them ({@link Command#retain}).
 * Replies are owned by the protocol once returned: an {@link Reply.OffHeapBulk} is queued on
 * the connection's out-buffer by reference and released once written, or when it will never
 * be written (after a closing reply, or when the connection ends). A command over the query
 * buffer limit closes the connection without a reply, as Redis does, and is logged in Redis's
 * words ({@link CommandBudget#QUERY_BUFFER_LIMIT}).
 *
 * <p>With {@code passwordRequired}, a client connection starts unauthenticated and gets Redis's
 * stricter limits until a reply shows it authenticated ({@code AUTH} answered {@code +OK},
 * {@code HELLO … AUTH} as {@link ClientAuth} reads its answer); {@code RESET} makes it
 * unauthenticated again. The replies are the handler's (the process's session state), so the codec follows
 * the process without asking it. As redis-server reads one command at a time, decoding pauses
 * after an {@code AUTH} or {@code HELLO} from an unauthenticated client until its reply is
 * seen. A session-link connection is a node's, not a client's: once its hello is admitted it
 * has the full limits, and its sessions authenticate inside the process.
 *
 * <p>Threading: {@link RespCommandHandler#execute} is called on the model's serving thread;
 * see {@link Protocol}. On {@link dev.caravan.servers.model.ServerModel#PROCESS_THREAD}, whose
 * serving thread must not wait, batches go through the handler's asynchronous
 * {@link RespCommandHandler#execute(RespSession, List, java.util.function.Consumer)} instead
 * ({@link AsyncProtocol}).
 */
public final class RespProtocol implements AsyncProtocol<Command, Reply> {
    private static final System.Logger LOG = System.getLogger(RespProtocol.class.getName());
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
    private final boolean passwordRequired;
    private final String linkToken;

    private RespProtocol(RespCommandHandler handler, RespLimits limits, boolean passwordRequired, String linkToken) {
        this.handler = handler;
        this.limits = limits;
        this.passwordRequired = passwordRequired;
        this.linkToken = linkToken;
    }

    public RespProtocol(RespCommandHandler handler, RespLimits limits) {
        this(handler, limits, false);
    }

    /** @param passwordRequired whether clients must authenticate (Redis's limits for unauthenticated clients apply) */
    public RespProtocol(RespCommandHandler handler, RespLimits limits, boolean passwordRequired) {
        this(handler, limits, passwordRequired, null);
    }

    public RespProtocol(RespCommandHandler handler) {
        this(handler, RespLimits.DEFAULTS);
    }

    /**
     * The same protocol, also accepting {@link SessionLink} connections that open with
     * {@code token} (the cluster token; "" when the cluster has none).
     */
    public RespProtocol withSessionLink(String token) {
        return new RespProtocol(handler, limits, passwordRequired, java.util.Objects.requireNonNull(token));
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
        return new RespCodec(limits, passwordRequired, RespSession.direct(connection));
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
            try {
                c.link.handle(batch, replies);
            } finally {
                batch.forEach(Command::release);
            }
            return;
        }
        if (!c.started && linkToken != null && batch.get(0).name().equals(SessionLink.HELLO)) {
            c.started = true;
            try {
                openLink(c, batch, replies);
            } finally {
                batch.forEach(Command::release);
            }
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
        // The batch's off-heap arguments are held until it is answered, then released exactly once.
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                batch.forEach(Command::release);
            }
        };
        try {
            handleHeld(c, batch, replies -> {
                release.run();
                done.accept(replies);
            });
        } catch (InterruptedException | RuntimeException e) {
            release.run();
            throw e;
        }
    }

    private void handleHeld(RespCodec c, List<Command> batch, Replies<Reply> done) throws InterruptedException {
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
                for (Reply r : out) {
                    Reply.release(r);
                }
                throw new IllegalStateException(out.length + " replies for " + batch.size() + " commands");
            }
            done.accept(java.util.Arrays.asList(out));
        });
    }

    private void run(RespSession session, List<Command> batch, List<Reply> replies) throws InterruptedException {
        try {
            Reply[] out = handler.execute(session, batch);
            if (out.length != batch.size()) {
                for (Reply r : out) {
                    Reply.release(r);
                }
                throw new IllegalStateException(out.length + " replies for " + batch.size() + " commands");
            }
            for (Reply r : out) {
                replies.add(r);
            }
        } finally {
            batch.forEach(Command::release);
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

    /**
     * Bytes of arguments decoded and not yet answered after which a connection's batch ends, so
     * that a client pipelining big values holds about one of them at a time, as with Redis.
     */
    static final long MAX_UNANSWERED_BYTES = 64L << 20;

    /** One connection: the incremental decoder, a reusable writer over the out-buffer, and the session. */
    private final class RespCodec implements Codec<Command, Reply> {
        private final RespRequestDecoder decoder;
        private final RespSession session;
        /** Commands decoded and not yet answered, and their argument bytes (reset when all are answered). */
        private int unanswered;
        private long unansweredBytes;
        private final boolean passwordRequired;
        private boolean authRequired;
        /** An AUTH or HELLO of an unauthenticated client (or a link hello) awaits its reply: decode nothing more until then. */
        private boolean awaitingAuthReply;
        private OutBuffer boundTo;
        private RespWriter writer;
        private boolean started;
        private boolean closed;
        private SessionLinkReceiver link;

        RespCodec(RespLimits limits, boolean passwordRequired, RespSession session) {
            this.decoder = new RespRequestDecoder(limits);
            this.session = session;
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
            if (authRequired && (c.name().equals("AUTH") || c.name().equals("HELLO")
                    || (linkToken != null && c.name().equals(SessionLink.HELLO)))) {
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
            if (reply instanceof Reply.Suppressed) {
                return;
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
            if (link != null) {
                // A node's link, not a client: admitted, it has the full limits; its sessions authenticate in the process.
                if (authRequired && request.name().equals(SessionLink.HELLO) && reply.equals(Reply.OK)) {
                    setAuthRequired(false);
                    awaitingAuthReply = false;
                }
            } else if (passwordRequired) {
                onAuthReply(request, reply);
            }
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

        /** Follows the client's authentication through the replies it gets (see the class comment and {@link ClientAuth}). */
        private void onAuthReply(Command request, Reply reply) {
            switch (request.name()) {
                case "AUTH" -> {
                    if (ClientAuth.byAuth(reply)) {
                        setAuthRequired(false);
                    }
                    awaitingAuthReply = false;
                }
                case "HELLO" -> {
                    if (ClientAuth.byHello(request, reply)) {
                        setAuthRequired(false);
                    }
                    awaitingAuthReply = false;
                }
                case "RESET" -> setAuthRequired(true);
                case SessionLink.HELLO -> awaitingAuthReply = false;
                default -> {
                    // Other commands leave authentication as it is.
                }
            }
        }

        @Override
        public void close() {
            decoder.close();
            if (link != null) {
                link.close();
            }
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
