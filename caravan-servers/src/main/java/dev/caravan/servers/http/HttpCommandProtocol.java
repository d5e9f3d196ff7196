package dev.caravan.servers.http;

import dev.caravan.servers.protocol.AsyncProtocol;
import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.Connection;
import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.servers.resp.RespCommandHandler;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.servers.resp.RespSession;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.SessionLink;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A process's data endpoint speaking HTTP/1.1: each request becomes a {@code HTTP} command run
 * by the same {@link RespCommandHandler} a RESP endpoint uses, and its reply becomes the
 * response ({@link HttpExchange} states the mapping, {@link HttpReplyEncoder} the responses).
 * One {@link RespSession} per connection, so the process sees each client as it sees a RESP
 * client ({@link dev.caravan.core.process.ClientRef}). Keep-alive and pipelining as
 * {@link HttpCodec} decodes them, with its limits ({@link HttpProtocol#MAX_HEAD_BYTES},
 * {@link HttpProtocol#MAX_BODY_BYTES}); malformed input is answered 400 (431, 413 over the
 * limits) and closes that connection only.
 *
 * <p>Session links: a connection whose first byte is {@code *} (a RESP array: what
 * {@link SessionLink} forwarders send, such as a migration hand-off relaying requests queued at
 * the source) is served by {@code links}, the RESP protocol with the cluster's link token; its
 * first command must be the link hello, anything else is refused and the connection closed, so
 * the port speaks no RESP to clients.
 *
 * <p>Threading: as {@link RespProtocol}: the handler is called on the model's serving thread, through its
 * asynchronous variant on {@link dev.caravan.servers.model.ServerModel#PROCESS_THREAD}.
 */
public final class HttpCommandProtocol implements AsyncProtocol<Command, Reply> {
    /** The connection of a codec made without one (in-memory use): no addresses, closing does nothing. */
    private static final Connection DETACHED = new Connection() {
        @Override
        public java.net.InetSocketAddress remoteAddress() {
            return null;
        }

        @Override
        public java.net.InetSocketAddress localAddress() {
            return null;
        }

        @Override
        public void close() {
        }
    };
    private static final Reply NOT_A_LINK = new Reply.Closing(
            Reply.error("ERR this data endpoint speaks HTTP; RESP is accepted only on session links"));

    private final RespCommandHandler handler;
    private final RespProtocol links;

    /** @param links serves session-link connections (see the class comment) */
    public HttpCommandProtocol(RespCommandHandler handler, RespProtocol links) {
        this.handler = handler;
        this.links = links;
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public Codec<Command, Reply> newCodec() {
        return newCodec(DETACHED);
    }

    @Override
    public Codec<Command, Reply> newCodec(Connection connection) {
        return new EndpointCodec(connection);
    }

    /** Without a codec there is no session: refused (every model passes the codec). */
    @Override
    public void handle(List<Command> batch, List<Reply> replies) {
        for (int i = 0; i < batch.size(); i++) {
            replies.add(Reply.error("ERR an HTTP request needs its connection's session"));
        }
    }

    @Override
    public void handle(Codec<Command, Reply> codec, List<Command> batch, List<Reply> replies) throws InterruptedException {
        EndpointCodec c = (EndpointCodec) codec;
        if (c.resp != null) {
            if (!c.admitLink(batch, replies)) {
                return;
            }
            links.handle(c.resp, batch, replies);
            return;
        }
        Reply[] out = handler.execute(c.session, batch);
        replies.addAll(checked(out, batch));
    }

    @Override
    public void handle(Codec<Command, Reply> codec, List<Command> batch, Replies<Reply> done) throws InterruptedException {
        EndpointCodec c = (EndpointCodec) codec;
        if (c.resp != null) {
            List<Reply> refused = new ArrayList<>(batch.size());
            if (!c.admitLink(batch, refused)) {
                done.accept(refused);
                return;
            }
            links.handle(c.resp, batch, done);
            return;
        }
        handler.execute(c.session, batch, out -> done.accept(checked(out, batch)));
    }

    private static List<Reply> checked(Reply[] out, List<Command> batch) {
        if (out.length != batch.size()) {
            for (Reply r : out) {
                Reply.release(r);
            }
            throw new IllegalStateException(out.length + " replies for " + batch.size() + " requests");
        }
        return Arrays.asList(out);
    }

    /** One connection: HTTP, or a session link once its first byte says so. */
    private final class EndpointCodec implements Codec<Command, Reply> {
        private final Connection connection;
        private final RespSession session;
        private final HttpCodec http = new HttpCodec(HttpProtocol.MAX_HEAD_BYTES, HttpProtocol.MAX_BODY_BYTES);
        /** Keep-alive of each request decoded and not yet answered, in order. */
        private final ArrayDeque<Boolean> keepAlive = new ArrayDeque<>();
        private boolean closeAfterLast;
        private boolean decided;
        private Codec<Command, Reply> resp;
        private boolean linkAdmitted;

        EndpointCodec(Connection connection) {
            this.connection = connection;
            this.session = RespSession.direct(connection);
        }

        @Override
        public Command decode(ByteBuffer in) {
            if (!decided) {
                if (!in.hasRemaining()) {
                    return null;
                }
                decided = true;
                if (in.get(in.position()) == '*' && links != null) {
                    resp = links.newCodec(connection);
                }
            }
            if (resp != null) {
                return resp.decode(in);
            }
            HttpRequest r = http.decode(in);
            if (r == null) {
                return null;
            }
            keepAlive.addLast(r.keepAlive());
            return HttpExchange.toCommand(r);
        }

        /** The first batch of a link connection must open with the hello; otherwise it is refused and the connection closes. */
        boolean admitLink(List<Command> batch, List<Reply> replies) {
            if (linkAdmitted || batch.get(0).name().equals(SessionLink.HELLO)) {
                linkAdmitted = true;
                return true;
            }
            replies.add(NOT_A_LINK);
            for (int i = 1; i < batch.size(); i++) {
                replies.add(Reply.SUPPRESSED);
            }
            batch.forEach(Command::release);
            return false;
        }

        @Override
        public void encode(Reply reply, OutBuffer out) {
            if (resp != null) {
                resp.encode(reply, out);
                return;
            }
            Boolean alive = keepAlive.pollFirst();
            closeAfterLast = HttpReplyEncoder.encode(reply, alive != null && alive, out);
        }

        @Override
        public void discard(Reply reply) {
            if (resp != null) {
                resp.discard(reply);
            } else {
                keepAlive.pollFirst();
                Reply.release(reply);
            }
        }

        @Override
        public void encodeError(CaravanException error, OutBuffer out) {
            if (resp != null) {
                resp.encodeError(error, out);
            } else {
                http.encodeError(error, out);
            }
        }

        @Override
        public boolean closeAfter(Command request, Reply reply) {
            return resp != null ? resp.closeAfter(request, reply) : closeAfterLast;
        }

        @Override
        public void onClosed() {
            if (resp != null) {
                resp.onClosed();
            } else {
                handler.onClosed(session);
            }
        }

        @Override
        public void close() {
            if (resp != null) {
                resp.close();
            }
        }

        @Override
        public int maxBufferedBytes() {
            return resp != null ? resp.maxBufferedBytes() : http.maxBufferedBytes();
        }
    }
}
