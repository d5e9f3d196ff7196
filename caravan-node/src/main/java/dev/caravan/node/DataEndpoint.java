package dev.caravan.node;

import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.process.ProcessState;
import dev.caravan.servers.http.HttpCommandProtocol;
import dev.caravan.servers.model.DrivenLoopServer;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.servers.protocol.AsyncProtocol;
import dev.caravan.servers.resp.RespCommandHandler;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.servers.resp.RespSession;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.HostPort;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.SessionLinkConnection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A process's data endpoint: a RESP port (what redis-cli and redis-benchmark speak), served by
 * one of the server toolkit's models. By default ({@link ServerModel#PROCESS_THREAD}) the
 * process's own thread serves its connections between other work, as redis-server's one thread
 * does: it reads a batch a client pipelined, executes it (with the client's
 * {@link dev.caravan.core.process.ClientRef}) and writes the replies, with no thread hand-off; a
 * batch that cannot run at once (the process is frozen for a migration, or a command blocks)
 * waits and is answered when it runs or is forwarded. With any other model, each batch is
 * posted to the process's mailbox as one unit and its replies written in order by the
 * connection's thread, which never touches process state.
 *
 * <p><b>Sessions.</b> Every client connection is a session of its own (a random id, its
 * addresses); the process keys its per-client state by it. Forwarders (the stable endpoint, a
 * migration's hand-off) reach the process over a {@link dev.caravan.wire.resp.SessionLink
 * session link} opened with the cluster token, each batch in the session of the client they
 * hold. When a client's connection closes, here or at its forwarder, the process is told
 * ({@link ProcessRunner#clientClosed}); once the process has moved, the notice is sent on to
 * where it went. The process closes a client ({@code CLIENT KILL}) through
 * {@link ProcessRunner#disconnectClient}: a connection here is closed at once; a linked session
 * is remembered as killed and its forwarder's next batch is answered by closing its client.
 *
 * <p><b>QUIT</b> always ends the connection after its reply, whatever the process answered
 * (redis-server 7.0 handles QUIT before any command lookup).
 *
 * <p>Big values: arguments over 1 MiB arrive off-heap; the batch holds a reference to them
 * from its submission until the process has answered it (even when the connection's thread
 * stopped waiting), and replies the process answers off-heap are written from there. Request
 * limits are the node's ({@link NodeConfig#respLimits}) overridden by the deployment's settings
 * of the same names ({@link RespLimits#with}); with a password set ({@value #PASSWORD_KEY}),
 * unauthenticated clients get redis-server's stricter limits.
 *
 * <p>Bad input: a protocol error is answered with Redis's {@code -ERR Protocol error: ...} and
 * that connection is closed; others are untouched. While the node does not own the process
 * (lease lost) every command is answered {@code -TRYAGAIN}; after the process moved, {@code -MOVED}.
 *
 * <p><b>HTTP.</b> A deployment with {@value #PROTOCOL_KEY}{@code =http} (the HTTP sample's default)
 * gets an HTTP/1.1 endpoint instead ({@link HttpCommandProtocol}): each request reaches the process
 * as a command in the connection's session, and everything above applies to it — frozen, requests
 * wait; moved, {@code 421 Misdirected Request} with {@code Caravan-Moved: <epoch> <host:port>} (not
 * executed; resend it there); not owned, {@code 503}. Its port also serves session links (a RESP
 * connection opening with the link hello), so a migration's hand-off of queued requests works as
 * for RESP, their replies relayed as HTTP responses.
 */
final class DataEndpoint implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DataEndpoint.class.getName());
    /** Config key choosing the server model (see {@link ServerModel#parse}). */
    static final String MODEL_KEY = "server.model";
    /** Config key choosing what clients speak: {@code resp} (the default) or {@code http}. */
    static final String PROTOCOL_KEY = "endpoint.protocol";
    /** The model unless the deployment chose another: the process thread serves its own connections. */
    static final ServerModel DEFAULT_MODEL = ServerModel.PROCESS_THREAD;
    /** What a killed linked session's forwarder gets for each command: close the client, write nothing. */
    private static final Reply KILLED = new Reply.Closing(Reply.SUPPRESSED);
    /** Config key under which a deployment stores its password's SHA-256: present when clients must authenticate. */
    static final String PASSWORD_KEY = "auth.password.sha256";

    private final String processName;
    private final ProcessRunner runner;
    private final BooleanSupplier owned;
    private final String linkToken;
    /** Sessions connected here that the process has seen, by id: whom a disconnectClient closes. */
    private final Map<Long, RespSession> direct = new ConcurrentHashMap<>();
    private final KilledSessions killed = new KilledSessions(4096);
    private final Server server;
    private volatile String movedTo;
    /** The process's quota account (request rate, connections); null until {@link #quota} (no limits). */
    private volatile dev.caravan.node.quota.QuotaAccount quota;
    /** How closed-client notices reach the process's new endpoint after a move (TLS on a TLS node); null before. */
    private volatile dev.caravan.migration.HandOffLink movedLink;

    /**
     * @param linkToken        the cluster token forwarders open session links with ("" for none)
     * @param limits           request limits of every connection (a session link's too, once its hello is admitted)
     * @param passwordRequired whether clients must authenticate: until they have, Redis's stricter limits apply to a
     *                         client connected here (not to a session link: its sessions authenticate in the process)
     */
    DataEndpoint(String processName, ProcessRunner runner, BooleanSupplier owned, String bindHost, ServerModel model,
                 String linkToken, RespLimits limits, boolean passwordRequired) {
        this(processName, runner, owned, bindHost, model, linkToken, limits, passwordRequired, false);
    }

    /**
     * @param http whether clients speak HTTP/1.1 ({@link HttpCommandProtocol}: each request a command, see
     *             {@link dev.caravan.servers.http.HttpExchange}) rather than RESP; session links are served either way
     */
    DataEndpoint(String processName, ProcessRunner runner, BooleanSupplier owned, String bindHost, ServerModel model,
                 String linkToken, RespLimits limits, boolean passwordRequired, boolean http) {
        this.processName = processName;
        this.runner = runner;
        this.owned = owned;
        this.linkToken = linkToken;
        runner.disconnectListener(this::onDisconnect);
        Sessions sessions = new Sessions();
        RespProtocol resp = new RespProtocol(sessions, limits, passwordRequired).withSessionLink(linkToken);
        AsyncProtocol<Command, Reply> protocol = http ? new HttpCommandProtocol(sessions, resp) : resp;
        ServerOptions options = ServerOptions.defaults().withBind(new InetSocketAddress(bindHost, 0)).withName("data-" + processName);
        int maxConnections = dev.caravan.node.quota.ProcessQuotas.from(runner.config()).connections();
        if (maxConnections > 0) {
            options = options.withMaxConnections(maxConnections);
        }
        if (model == ServerModel.PROCESS_THREAD) {
            DrivenLoopServer loop;
            try {
                loop = DrivenLoopServer.forOwner(protocol, options);
            } catch (IOException e) {
                throw new UncheckedIOException("data endpoint of " + processName + " could not start: " + e.getMessage(), e);
            }
            runner.attach(loop);
            this.server = loop;
        } else {
            this.server = model.start(protocol, options);
        }
        int ownLimit = maxConnections;
        // Refused at the process's own quota, or at its slice's on this node (shareConnections; that one reports itself).
        server.refuseAtConnectionLimit(MAX_CLIENTS_REACHED, () -> {
            dev.caravan.node.quota.QuotaAccount q = quota;
            if (q != null && ownLimit > 0 && server.activeConnections() >= ownLimit) {
                q.onConnectionRefused();
            }
        });
    }

    /**
     * Makes every new client connection also take a slot of {@code slice}, the connection quota of
     * the process's slice on this node ({@link dev.caravan.node.slice.SliceConnections}): beyond it
     * the client gets {@link #MAX_CLIENTS_REACHED} and is closed.
     */
    void shareConnections(dev.caravan.servers.model.ConnectionGate slice) {
        server.shareConnectionLimit(slice);
    }

    /** What redis-server 7.0 writes to a client over {@code maxclients} before closing it (networking.c). */
    static final byte[] MAX_CLIENTS_REACHED = "-ERR max number of clients reached\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Installs the process's quota account: batches over its request rate are held back or refused from now on. */
    void quota(dev.caravan.node.quota.QuotaAccount account) {
        this.quota = account;
    }

    /** Whether the process's request-rate quota lets {@code n} commands run now (it may hold this thread: backpressure). */
    private boolean admitRate(int n) {
        dev.caravan.node.quota.QuotaAccount q = quota;
        return q == null || q.admitRequests(n);
    }

    /** What a batch refused at the request-rate quota gets. */
    private Reply[] overQuota(int n) {
        dev.caravan.node.quota.QuotaViolation v = quota.violation();
        return fill(n, Reply.error("QUOTA_EXCEEDED process " + processName + " is stopped: "
                + (v == null ? "over its quota" : v.message())));
    }

    /**
     * Whether {@code spec}'s clients speak HTTP: its {@value #PROTOCOL_KEY} setting, else its sample's default.
     *
     * @throws CaravanException INVALID_ARGUMENT for a protocol other than resp or http
     */
    static boolean speaksHttp(dev.caravan.wire.node.ProcessSpec spec) {
        String p = spec.config().getOrDefault(PROTOCOL_KEY, ProcessFactory.SAMPLE_PROTOCOLS.getOrDefault(spec.sample(), "resp"));
        return switch (p) {
            case "resp" -> false;
            case "http" -> true;
            default -> throw dev.caravan.wire.ErrorCode.INVALID_ARGUMENT.exception(PROTOCOL_KEY + " must be resp or http, not '"
                    + p + "'");
        };
    }

    int port() {
        return server.port();
    }

    ServerModel model() {
        return server.model();
    }

    /**
     * Serves a client connection accepted elsewhere (a switch's TCP handoff) as one of this
     * endpoint's own: its own session, limits and password rules, whatever the protocol the
     * endpoint speaks; {@code alreadyRead} (the client's first request, read by the switch) is
     * served before anything read from the connection.
     *
     * @throws CaravanException NOT_SUPPORTED when the endpoint's server model cannot take bytes already
     *                          read (see {@link Server#adopt(java.nio.channels.SocketChannel, java.nio.ByteBuffer)})
     */
    void adopt(java.nio.channels.SocketChannel connection, java.nio.ByteBuffer alreadyRead) {
        server.adopt(connection, alreadyRead);
    }

    /**
     * From now on every command is answered {@code -MOVED <epoch> <host:port>}: the process lives
     * there now (a stable endpoint or a cluster-aware client resends; nothing was executed here).
     */
    void movedTo(long epoch, String hostPort) {
        movedTo(epoch, hostPort, dev.caravan.migration.HandOffLink.plaintext(HostPort.parse(hostPort), linkToken));
    }

    /** As above; closed clients are then told to the new endpoint over {@code link} (TLS on a TLS node, never plaintext then). */
    void movedTo(long epoch, String hostPort, dev.caravan.migration.HandOffLink link) {
        movedLink = link;
        movedTo = epoch + " " + hostPort;
    }

    /** The handler of every connection, direct or linked. */
    private final class Sessions implements RespCommandHandler {
        @Override
        public Reply[] execute(RespSession session, List<Command> batch) throws InterruptedException {
            if (!admit(session)) {
                return fill(batch.size(), KILLED);
            }
            if (!admitRate(batch.size())) {
                return overQuota(batch.size());
            }
            Reply[] replies = DataEndpoint.this.execute(session, batch);
            return finish(session, batch, replies);
        }

        /** {@link ServerModel#PROCESS_THREAD}: on the process thread (or the loop's own thread once the process left). */
        @Override
        public void execute(RespSession session, List<Command> batch, Consumer<Reply[]> done) throws InterruptedException {
            if (!admit(session)) {
                done.accept(fill(batch.size(), KILLED));
                return;
            }
            if (movedTo != null || runner.state() == ProcessState.FAILED || !owned.getAsBoolean()) {
                done.accept(finish(session, batch, null));
                return;
            }
            if (!admitRate(batch.size())) {
                done.accept(overQuota(batch.size()));
                return;
            }
            try {
                runner.submitFromProcessThread(session.client(), batch.toArray(Command[]::new),
                        replies -> done.accept(finish(session, batch, replies)));
            } catch (CaravanException e) {
                done.accept(finish(session, batch, notTaken(batch.size(), e)));
            }
        }

        /** Registers a direct session the first time it sends; false for a linked session the process killed. */
        private boolean admit(RespSession session) {
            if (session.isDirect()) {
                if (session.attachment() == null) {
                    session.attach(Boolean.TRUE);
                    direct.put(session.id(), session);
                }
                return true;
            }
            return !killed.contains(session.id());
        }

        /** The replies a client gets: the process's (null when it was not asked), QUIT closing a direct connection. */
        private Reply[] finish(RespSession session, List<Command> batch, Reply[] replies) {
            if (replies != null) {
                return closeOnQuit(batch, replies);
            }
            replies = notRun(batch.size());
            return session.isDirect() ? closeOnQuit(batch, replies) : replies;
        }

        @Override
        public void onClosed(RespSession session) {
            long id = session.id();
            if (session.isDirect()) {
                if (direct.remove(id) == null) {
                    return; // it never sent a command: the process has nothing to drop
                }
            } else {
                killed.remove(id);
            }
            if (!runner.clientClosed(id)) {
                forwardClosed(id);
            }
        }
    }

    /** The process's replies; null when it was not asked (moved, failed, not owned): see {@link #notRun}. */
    private Reply[] execute(RespSession session, List<Command> batch) throws InterruptedException {
        if (movedTo != null || runner.state() == ProcessState.FAILED || !owned.getAsBoolean()) {
            return null;
        }
        Command[] commands = batch.toArray(Command[]::new);
        CompletableFuture<Reply[]> done = new CompletableFuture<>();
        // The process may run the batch after this thread stopped waiting: it holds its own
        // references to the off-heap arguments, given back when the batch is answered, and
        // replies nobody waits for any more are released there.
        for (Command c : commands) {
            c.retain();
        }
        try {
            runner.submit(session.client(), commands, replies -> {
                releaseAll(commands);
                if (!done.complete(replies)) {
                    for (Reply r : replies) {
                        Reply.release(r);
                    }
                }
            });
        } catch (CaravanException e) {
            releaseAll(commands);
            return notTaken(batch.size(), e);
        } catch (InterruptedException | RuntimeException e) {
            releaseAll(commands);
            throw e;
        }
        try {
            return done.get();
        } catch (InterruptedException e) {
            if (!done.cancel(false)) {
                for (Reply r : done.getNow(new Reply[0])) {
                    Reply.release(r);
                }
            }
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("batch completion failed", e.getCause());
        }
    }

    /** What a batch the runner refused gets: null (see {@link #notRun}) when the process failed, else MOVED or TRYAGAIN. */
    private Reply[] notTaken(int n, CaravanException e) {
        if (e.code() == dev.caravan.wire.ErrorCode.PROCESS_FAILED) {
            return null;
        }
        String moved = movedTo;
        return fill(n, Reply.error(moved != null ? "MOVED " + moved : "TRYAGAIN " + e.getMessage()));
    }

    /** What a batch the process was not asked to run gets: MOVED, the failure, or TRYAGAIN. */
    private Reply[] notRun(int n) {
        String moved = movedTo;
        if (moved != null) {
            return fill(n, Reply.error("MOVED " + moved));
        }
        if (runner.state() == ProcessState.FAILED) {
            return fill(n, Reply.error("ERR process " + processName + " has failed on this node: " + runner.failureReason()));
        }
        return fill(n, Reply.error("TRYAGAIN this node does not own process " + processName + " right now; look it up again"));
    }

    private static void releaseAll(Command[] commands) {
        for (Command c : commands) {
            c.release();
        }
    }

    /** QUIT's reply closes the connection, whatever the process made of it. */
    private static Reply[] closeOnQuit(List<Command> batch, Reply[] replies) {
        for (int i = 0; i < replies.length; i++) {
            if (!(replies[i] instanceof Reply.Closing) && batch.get(i).name().equals("QUIT")) {
                replies[i] = new Reply.Closing(replies[i]);
            }
        }
        return replies;
    }

    /** On the process thread ({@code CLIENT KILL}); must not block. */
    private void onDisconnect(long sessionId) {
        RespSession s = direct.get(sessionId);
        if (s != null) {
            s.close();
        } else {
            killed.add(sessionId);
        }
    }

    /** A client closed after the process left: tell it where it went, best effort, off this thread. */
    private void forwardClosed(long sessionId) {
        dev.caravan.migration.HandOffLink to = movedLink;
        if (to == null) {
            return;
        }
        Thread.ofVirtual().name("closed-session-" + processName).start(() -> {
            try (SessionLinkConnection link = to.open()) {
                link.closed(sessionId);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "telling " + to + " that a client of " + processName + " closed: " + e);
            }
        });
    }

    static Reply[] fill(int n, Reply r) {
        Reply[] replies = new Reply[n];
        java.util.Arrays.fill(replies, r);
        return replies;
    }

    @Override
    public void close() {
        server.close();
    }
}
