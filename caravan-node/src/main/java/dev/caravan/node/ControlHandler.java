package dev.caravan.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.CommandCodec;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.FrameConnection;
import dev.caravan.wire.net.FrameHandler;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.NodeProtocol;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;

import java.util.List;

/**
 * Decodes the node control port's requests (layouts in {@link NodeProtocol}) and calls the
 * {@link NodeDaemon}. Stateless; called concurrently from connection threads.
 */
final class ControlHandler implements FrameHandler {
    private final NodeDaemon node;
    private final EvalHandler eval;
    private final NodeAccess access;

    ControlHandler(NodeDaemon node, NodeAccess access) {
        this.node = node;
        this.eval = new EvalHandler(node);
        this.access = access;
    }

    @Override
    public dev.caravan.wire.security.Identity authenticate(dev.caravan.wire.net.Hello hello) {
        return access.authenticate(hello);
    }

    @Override
    public void authorize(FrameConnection connection, Frame request) {
        access.authorize(connection, request);
    }

    /** NODE_PUT_BUNDLE and NODE_PUT_SIGNED_BUNDLE: the node's --max-bundle-size (and the strings around the jar), refused from the header. */
    @Override
    public long maxBodyBytes(int type) {
        // The hash string before the jar, and after it the signature (BundleSignature.BYTES) with its length.
        long max = node.quotas().settings().maxBundleBytes();
        return type == Op.NODE_PUT_BUNDLE ? max + 256
                : type == Op.NODE_PUT_SIGNED_BUNDLE ? max + 256 + 4 + dev.caravan.wire.security.signing.BundleSignature.BYTES
                : Long.MAX_VALUE;
    }

    @Override
    public Frame onFrame(FrameConnection connection, Frame request) throws Exception {
        BodyReader in = request.reader();
        BodyWriter out = new BodyWriter();
        switch (request.type()) {
            case Op.PING -> in.expectEnd();
            case Op.NODE_PUT_BUNDLE -> {
                String expected = in.string();
                byte[] jar = in.bytes();
                in.expectEnd();
                long max = node.quotas().settings().maxBundleBytes();
                if (jar.length > max) {
                    throw ErrorCode.TOO_LARGE.exception("bundle of " + jar.length + " bytes exceeds this node's --max-bundle-size of "
                            + max + " bytes");
                }
                String hash = node.putBundle(jar, expected);
                access.onBundlePut(connection.identity(), hash);
                out.string(hash);
            }
            case Op.NODE_QUOTAS -> {
                String name = in.string();
                in.expectEnd();
                java.util.Map<String, String> d = node.quotas().describe(name);
                out.i32(d.size());
                d.forEach((k, v) -> out.string(k).string(v));
            }
            case Op.NODE_PUT_SIGNED_BUNDLE -> access.onBundlePut(connection.identity(), BundleOps.onPutSigned(node, in, out));
            case Op.NODE_GET_BUNDLE_SIGNATURE -> BundleOps.onGetSignature(node, in, out);
            case Op.NODE_GET_BUNDLE -> {
                String hash = in.string();
                in.expectEnd();
                out.bytes(node.getBundle(hash));
            }
            case Op.NODE_CLIENT_BUNDLE -> node.clientBundles().onRequest(in, out);
            case Op.NODE_START -> {
                ProcessSpec spec = ProcessSpec.readFrom(in);
                in.expectEnd();
                access.deploy(connection.identity(), spec).writeTo(out);
            }
            case Op.NODE_STOP -> {
                String name = in.string();
                in.expectEnd();
                node.stopProcess(name).writeTo(out);
            }
            case Op.NODE_LIST -> {
                in.expectEnd();
                List<ProcessInfo> infos = access.visible(connection.identity(), node.list());
                out.i32(infos.size());
                infos.forEach(i -> i.writeTo(out));
            }
            case Op.NODE_INSPECT -> {
                String name = in.string();
                in.expectEnd();
                node.inspect(name).writeTo(out);
            }
            case Op.NODE_CALL -> {
                String name = in.string();
                long clientId = in.i64();
                long requestId = in.i64();
                Command command = CommandCodec.readCommand(in);
                in.expectEnd();
                Reply reply = node.call(name, clientId, requestId, command);
                CommandCodec.write(out, reply);
            }
            case Op.NODE_EVAL -> {
                dev.caravan.wire.node.EvalRequest function = dev.caravan.wire.node.EvalRequest.readFrom(in);
                in.expectEnd();
                eval.onEval(function).writeTo(out);
                if (out.size() > Frame.DEFAULT_MAX_FRAME_BYTES - 64) {
                    throw ErrorCode.TOO_LARGE.exception("the function's reply of " + out.size() + " bytes exceeds a frame");
                }
            }
            case Op.NODE_MIGRATE -> {
                MigrationRequest m = node.sandboxDestination(MigrationRequest.readFrom(in));
                in.expectEnd();
                long id = request.requestId();
                access.asRequestOf(connection.identity(), m.name(), () -> node.migration().migrate(m, p -> {
                    BodyWriter ev = new BodyWriter();
                    p.writeTo(ev);
                    connection.send(new Frame(Op.EVENT, id, ev.toBytes()));
                })).writeTo(out);
            }
            case Op.NODE_CHECKPOINT -> {
                String name = in.string();
                String path = in.string();
                in.expectEnd();
                java.nio.file.Path file = java.nio.file.Path.of(path);
                if (!file.isAbsolute()) {
                    throw ErrorCode.INVALID_ARGUMENT.exception("checkpoint path must be absolute: " + path);
                }
                long id = request.requestId();
                access.asRequestOf(connection.identity(), name, () -> node.migration().checkpoint(name, file, p -> {
                    BodyWriter ev = new BodyWriter();
                    p.writeTo(ev);
                    connection.send(new Frame(Op.EVENT, id, ev.toBytes()));
                })).writeTo(out);
            }
            case Op.NODE_MIGRATE_CANCEL -> {
                String name = dev.caravan.wire.node.MigrationMessages.readNameOnly(in);
                access.checkCancel(connection.identity(), name);
                node.migration().cancel(name);
            }
            case Op.MIG_BEGIN -> node.migration().onBegin(connection, in, out);
            case Op.MIG_PAGES -> node.migration().onPages(in);
            case Op.MIG_COMMIT -> node.migration().onCommit(in, out);
            case Op.MIG_ABORT -> node.migration().onAbort(in);
            case Op.MIG_PUSH_DONE -> node.migration().onPushDone(in, out);
            case Op.MIG_RESOURCES -> node.migration().onResources(in, out);
            case Op.NODE_READ_RESOURCE -> {
                var r = dev.caravan.wire.node.ResourceProtocol.readReadRequest(in);
                in.expectEnd();
                out.bytes(node.resources().readExported(r.qualifiedName(), r.offset(), r.maxBytes()));
            }
            case Op.MIG_FETCH -> node.migration().onFetch(in, out);
            case Op.NODE_STATUS -> {
                in.expectEnd();
                node.status(connection.identity()).writeTo(out); // a tenant counts its slice's processes only
            }
            case Op.NODE_CORDON -> {
                in.expectEnd();
                node.setSchedulable(false).writeTo(out);
            }
            case Op.NODE_UNCORDON -> {
                in.expectEnd();
                node.setSchedulable(true).writeTo(out);
            }
            case Op.NODE_DRAIN -> {
                dev.caravan.wire.node.DrainRequest drain = dev.caravan.wire.node.DrainRequest.readFrom(in);
                in.expectEnd();
                long id = request.requestId();
                access.asDrainOf(connection.identity(), () -> node.drain(drain, step -> {
                    BodyWriter ev = new BodyWriter();
                    step.writeTo(ev);
                    connection.send(new Frame(Op.EVENT, id, ev.toBytes()));
                })).writeTo(out);
            }
            case Op.NODE_AGENT_RECALL -> {
                String name = in.string();
                in.expectEnd();
                node.hosted(name).runner().recall();
            }
            case Op.BALANCE_PROBE -> {
                in.expectEnd();
                node.balancer().lastReport().writeTo(out);
            }
            case Op.BALANCE_PULL -> {
                dev.caravan.wire.node.PullRequest pull = dev.caravan.wire.node.PullRequest.readFrom(in);
                in.expectEnd();
                node.balancer().onPull(pull).writeTo(out);
            }
            case Op.BALANCE_MODE -> {
                String mode = in.string();
                in.expectEnd();
                if (!mode.isEmpty()) {
                    node.balancer().setMode(dev.caravan.node.balance.BalanceMode.parse(mode));
                }
                out.string(node.balancer().settings().mode().label());
            }
            case Op.NODE_SANDBOX_ENSURE -> {
                String slice = in.string();
                in.expectEnd();
                out.string(node.ensureSandbox(slice));
            }
            case Op.NODE_SHUTDOWN -> {
                in.expectEnd();
                connection.send(Frame.ok(request.requestId(), new byte[0]));
                Thread.ofPlatform().name("node-shutdown").start(node::close);
                return null;
            }
            default -> throw ErrorCode.UNKNOWN_OPERATION.exception("the node control port does not serve "
                    + Op.name(request.type()));
        }
        return Frame.ok(request.requestId(), out.toBytes());
    }

    @Override
    public void onClose(FrameConnection connection) {
        node.migration().onConnectionClosed(connection.id());
    }
}
