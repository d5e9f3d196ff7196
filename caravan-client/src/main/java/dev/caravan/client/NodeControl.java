package dev.caravan.client;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.Op;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.CommandCodec;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.node.StopReply;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Typed calls to one node's control port (layouts in {@link dev.caravan.wire.node.NodeProtocol}).
 * Thread-safe; failures arrive as {@link dev.caravan.wire.CaravanException}s with the node's code.
 * Connections use this process's client transport ({@link dev.caravan.wire.net.ClientTransport}:
 * {@code $CARAVAN_TLS} or plaintext).
 */
public final class NodeControl implements AutoCloseable {
    private final FrameClient client;
    private final InetSocketAddress address;

    private NodeControl(FrameClient client, InetSocketAddress address) {
        this.client = client;
        this.address = address;
    }

    public static NodeControl connect(InetSocketAddress address, String peerName, String token, Duration timeout) {
        return new NodeControl(FrameClient.connect(address, new Hello(peerName, token), timeout,
                dev.caravan.wire.net.ClientTransport.current()), address);
    }

    /**
     * Connects with a short handshake deadline and a longer one for requests: a node that does
     * not answer its HELLO (paused, overloaded, cut off) is reported within {@code handshakeTimeout}.
     *
     * @throws dev.caravan.wire.CaravanException UNAVAILABLE or TIMEOUT when the node does not answer
     */
    public static NodeControl connect(InetSocketAddress address, String peerName, String token, Duration handshakeTimeout,
                                      Duration timeout) {
        return new NodeControl(FrameClient.connect(address, new Hello(peerName, token), handshakeTimeout, timeout, f -> { },
                dev.caravan.wire.net.ClientTransport.current()),
                address);
    }

    public InetSocketAddress address() {
        return address;
    }

    public boolean isOpen() {
        return client.isOpen();
    }

    /** Pushes a bundle; returns its SHA-256. */
    public String putBundle(byte[] jar) {
        return client.request(Op.NODE_PUT_BUNDLE, new BodyWriter(jar.length + 64).string("").bytes(jar).toBytes()).string();
    }

    /**
     * Pushes a bundle with its detached signature ({@code app.jar.sig}, null or empty for none);
     * returns its SHA-256. Without a signature this is {@link #putBundle(byte[])}, which a node that
     * predates signed code also serves.
     *
     * @throws dev.caravan.wire.CaravanException UNTRUSTED_CODE when the node requires signed code and
     *                                           this signature does not hold
     */
    public String putBundle(byte[] jar, byte[] signature) {
        if (signature == null || signature.length == 0) {
            return putBundle(jar);
        }
        return client.request(Op.NODE_PUT_SIGNED_BUNDLE, new BodyWriter(jar.length + signature.length + 64).string("")
                .bytes(jar).bytes(signature).toBytes()).string();
    }

    /** The signature the node holds for a bundle: empty when it has none. */
    public byte[] getBundleSignature(String hash) {
        return client.request(Op.NODE_GET_BUNDLE_SIGNATURE, new BodyWriter().string(hash).toBytes()).bytes();
    }

    public byte[] getBundle(String hash) {
        return client.request(Op.NODE_GET_BUNDLE, new BodyWriter().string(hash).toBytes()).bytes();
    }

    /**
     * Code on demand: the client bundle {@code process} publishes (it must run on this node),
     * without its bytes when {@code cachedHash} is current; a jar over {@code maxJarBytes} is refused
     * before it is copied.
     *
     * @throws dev.caravan.wire.CaravanException NOT_HERE, NOT_FOUND (publishes none), TOO_LARGE
     */
    public dev.caravan.wire.node.ClientBundleProtocol.Reply clientBundle(String process, String cachedHash, int maxJarBytes) {
        return dev.caravan.wire.node.ClientBundleProtocol.Reply.readFrom(client.request(Op.NODE_CLIENT_BUNDLE,
                dev.caravan.wire.node.ClientBundleProtocol.request(process, cachedHash)), maxJarBytes);
    }

    public ProcessInfo start(ProcessSpec spec) {
        BodyWriter w = new BodyWriter();
        spec.writeTo(w);
        return ProcessInfo.readFrom(client.request(Op.NODE_START, w.toBytes()));
    }

    /**
     * Stops a process. The node answers within its stop deadline plus a margin; the reply says
     * whether the process stopped or was abandoned (and what it still holds).
     *
     * @throws dev.caravan.wire.CaravanException BUSY while it is being moved, NOT_FOUND if not there
     */
    public StopReply stop(String name) {
        return StopReply.readFrom(client.request(Op.NODE_STOP, new BodyWriter().string(name).toBytes()));
    }

    public List<ProcessInfo> list() {
        return list(client.request(Op.NODE_LIST, new byte[0]));
    }

    /** The node's processes, waiting at most {@code wait} for the answer. */
    public List<ProcessInfo> list(Duration wait) {
        return list(client.call(Op.NODE_LIST, new byte[0], wait).expectOk());
    }

    private static List<ProcessInfo> list(BodyReader r) {
        int n = r.count(1_000_000, "process");
        List<ProcessInfo> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(ProcessInfo.readFrom(r));
        }
        return out;
    }

    public ProcessInfo inspect(String name) {
        return ProcessInfo.readFrom(client.request(Op.NODE_INSPECT, new BodyWriter().string(name).toBytes()));
    }

    /** Runs a command on a process this node hosts; requestId 0 disables deduplication. */
    public Reply call(String name, long clientId, long requestId, Command command) {
        BodyWriter w = new BodyWriter(64 + (int) Math.min(Integer.MAX_VALUE - 64, command.payloadBytes() + 8L * command.size()));
        w.string(name).i64(clientId).i64(requestId);
        CommandCodec.write(w, command);
        return CommandCodec.readReply(client.request(Op.NODE_CALL, w.toBytes()));
    }

    /**
     * Runs a shipped function beside a process this node hosts (remote evaluation); waits the
     * time budget plus the node's own wait for the process thread.
     *
     * @throws dev.caravan.wire.CaravanException BUDGET_EXCEEDED, CLASS_LOAD_FAILED, NOT_FOUND (bundle), NOT_HERE
     */
    public dev.caravan.wire.node.EvalResult eval(dev.caravan.wire.node.EvalRequest request) {
        BodyWriter w = new BodyWriter();
        request.writeTo(w);
        Duration wait = Duration.ofMillis(request.timeBudgetMs()).plusSeconds(35);
        return dev.caravan.wire.node.EvalResult.readFrom(client.call(Op.NODE_EVAL, w.toBytes(), wait).expectOk());
    }

    /**
     * Asks the node hosting {@code request.name()} to migrate or clone it; {@code progress} gets
     * each progress report (on a reader thread; must not block). Uses its own connection.
     */
    public static MigrationReport migrate(InetSocketAddress address, String token, MigrationRequest request,
                                          Consumer<MigrationProgress> progress, Duration timeout) {
        try (FrameClient c = FrameClient.connect(address, new Hello("cli", token), Duration.ofSeconds(30),
                f -> progress.accept(MigrationProgress.readFrom(f.reader())), dev.caravan.wire.net.ClientTransport.current())) {
            BodyWriter w = new BodyWriter();
            request.writeTo(w);
            return MigrationReport.readFrom(c.call(Op.NODE_MIGRATE, w.toBytes(), timeout).expectOk());
        }
    }

    /**
     * Cancels the migration or clone of {@code name} that runs on the node at {@code address},
     * if it has not committed (the migration's own caller then gets outcome CANCELLED).
     */
    public static void cancelMigration(InetSocketAddress address, String token, String name, Duration timeout) {
        try (FrameClient c = FrameClient.connect(address, new Hello("cli", token), timeout, dev.caravan.wire.net.ClientTransport.current())) {
            c.call(Op.NODE_MIGRATE_CANCEL, dev.caravan.wire.node.MigrationMessages.nameOnly(name), timeout).expectOk();
        }
    }

    /** Asks the node to stop all its processes and exit. */
    public void shutdown() {
        client.request(Op.NODE_SHUTDOWN, new byte[0]);
    }

    @Override
    public void close() {
        client.close();
    }
}
