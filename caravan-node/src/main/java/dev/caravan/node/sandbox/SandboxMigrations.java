package dev.caravan.node.sandbox;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.node.MigrationRequest;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Function;

/**
 * Where a sandboxed process goes when it is moved: {@code caravan migrate p --to n2} (any mode,
 * and clones) from a sandbox ends with p in n2's sandbox for the same slice. The source sandbox
 * asks n2 to ensure that sandbox ({@link Op#NODE_SANDBOX_ENSURE}) and migrates to the node id n2
 * answers ({@code n2.sandbox-slice}); the migration engine itself is unchanged.
 *
 * <p>A request that already names a sandbox of the slice is kept; one that names a sandbox of
 * another slice is refused (FORBIDDEN): slices never share a sandbox; one that names the
 * sandbox's own host is refused (INVALID_ARGUMENT: the process is there already).
 */
public final class SandboxMigrations {
    private static final Duration ENSURE_TIMEOUT = Sandboxes.START_TIMEOUT.plusSeconds(10);

    private SandboxMigrations() {
    }

    /**
     * {@code request} with its destination replaced by the destination's sandbox for {@code role}'s slice.
     *
     * @param peerLink a control connection to another node by its address
     * @throws dev.caravan.wire.CaravanException NOT_FOUND for an unknown node, FORBIDDEN for another slice's
     *                                           sandbox, or the destination's refusal to start its sandbox
     */
    public static MigrationRequest retarget(MigrationRequest request, SandboxRole role, NamingService naming,
                                            Function<InetSocketAddress, FrameClient> peerLink) {
        NamingEntry to = naming.lookup("node/" + request.toNode()).orElseThrow(() -> ErrorCode.NOT_FOUND.exception(
                "no node " + request.toNode() + " to move " + request.name() + " to"));
        String sandboxOf = to.attributes().get(SandboxRole.SANDBOX_OF);
        if (sandboxOf != null) {
            if (!role.slice().equals(to.attributes().get(SandboxRole.SLICE))) {
                throw ErrorCode.FORBIDDEN.exception("cannot move " + request.name() + " of slice " + role.slice() + " into "
                        + request.toNode() + ", the sandbox of slice " + to.attributes().get(SandboxRole.SLICE)
                        + "; give its host node " + sandboxOf + " instead");
            }
            return request;
        }
        if (to.node().equals(role.hostId())) {
            throw ErrorCode.INVALID_ARGUMENT.exception(request.name() + " already runs on node " + role.hostId() + ", in its"
                    + " sandbox for slice " + role.slice() + "; choose another node");
        }
        BodyWriter w = new BodyWriter();
        w.string(role.slice());
        String sandbox = peerLink.apply(new InetSocketAddress(to.host(), to.port()))
                .call(Op.NODE_SANDBOX_ENSURE, w.toBytes(), ENSURE_TIMEOUT).expectOk().string();
        return new MigrationRequest(request.name(), sandbox, request.mode(), request.maxDowntimeMs(), request.maxRounds(),
                request.hybridRounds(), request.cloning(), request.newName(), request.fault(), request.upgradeTo());
    }
}
