package dev.caravan.node;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Code on demand between nodes: advertises the bundles this node holds under
 * {@code bundle/<hash>/<node>} and pulls a missing bundle from a node that advertises it, with
 * the signature that node holds for it, verifying its hash and (when this node requires signed
 * code) its signature before storing it. When every holder's copy is refused, the refusal
 * (UNTRUSTED_CODE or BUNDLE_HASH_MISMATCH) is what the caller sees. Thread-safe.
 */
final class BundleFetcher {
    private static final System.Logger LOG = System.getLogger(BundleFetcher.class.getName());

    private final NamingService naming;
    private final BundleStore bundles;
    private final String nodeId;
    private final String token;
    private final dev.caravan.wire.security.TransportSecurity security;
    private final Map<String, InetSocketAddress> advertised = new ConcurrentHashMap<>();

    BundleFetcher(NamingService naming, BundleStore bundles, String nodeId, String token,
                  dev.caravan.wire.security.TransportSecurity security) {
        this.security = security;
        this.naming = naming;
        this.bundles = bundles;
        this.nodeId = nodeId;
        this.token = token;
    }

    void advertise(long leaseId, String hash, String host, int port) {
        naming.register(leaseId, new NamingEntry("bundle/" + hash + "/" + nodeId, nodeId, host, port, 0, Map.of(), leaseId));
        advertised.put(hash, new InetSocketAddress(host, port));
    }

    /** Advertises again after a new lease. */
    void reregister(long leaseId) {
        advertised.forEach((hash, at) -> advertise(leaseId, hash, at.getHostString(), at.getPort()));
    }

    /** Pulls {@code hash} from any node that has it, stores and advertises it. */
    void fetch(String hash, long leaseId, String ownHost, int ownControlPort) throws IOException {
        CaravanException last = null;
        for (NamingEntry holder : naming.list("bundle/" + hash + "/")) {
            if (holder.node().equals(nodeId)) {
                continue;
            }
            InetSocketAddress at = new InetSocketAddress(holder.host(), holder.port());
            try (FrameClient c = FrameClient.connect(at, new Hello("node/" + nodeId, token), Duration.ofSeconds(30), security)) {
                byte[] jar = c.request(Op.NODE_GET_BUNDLE, new BodyWriter().string(hash).toBytes()).bytes();
                bundles.put(jar, hash, signature(c, hash));
                LOG.log(System.Logger.Level.INFO, "pulled bundle " + hash + " (" + jar.length + " bytes) from node " + holder.node());
                advertise(leaseId, hash, ownHost, ownControlPort);
                return;
            } catch (CaravanException e) {
                if (last == null || last.code() != ErrorCode.UNTRUSTED_CODE) {
                    last = e.code() == ErrorCode.UNTRUSTED_CODE
                            ? ErrorCode.UNTRUSTED_CODE.exception(e.getMessage() + " (pulled from node " + holder.node() + ")")
                            : e;
                }
                LOG.log(System.Logger.Level.INFO, "could not pull bundle " + hash + " from " + holder.node() + ": " + e);
            }
        }
        if (last != null && (last.code() == ErrorCode.BUNDLE_HASH_MISMATCH || last.code() == ErrorCode.UNTRUSTED_CODE)) {
            throw last;
        }
        throw ErrorCode.NOT_FOUND.exception("no node holds bundle " + hash + "; push it first with 'caravan deploy JAR'");
    }

    /** The holder's signature of {@code hash}: empty when it has none, or is a node that predates signed code. */
    private static byte[] signature(FrameClient c, String hash) {
        try {
            return c.request(Op.NODE_GET_BUNDLE_SIGNATURE, new BodyWriter().string(hash).toBytes()).bytes();
        } catch (CaravanException e) {
            if (e.code() == ErrorCode.UNKNOWN_OPERATION) {
                return new byte[0];
            }
            throw e;
        }
    }
}
