package dev.caravan.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.NodeProtocol;
import dev.caravan.wire.security.signing.BundleSignature;

import java.io.IOException;

/**
 * The control port's signed-bundle operations (layouts in {@link NodeProtocol}):
 * {@link dev.caravan.wire.Op#NODE_PUT_SIGNED_BUNDLE} and
 * {@link dev.caravan.wire.Op#NODE_GET_BUNDLE_SIGNATURE}. Stateless.
 */
final class BundleOps {
    private BundleOps() {
    }

    /**
     * {@code string expectedHash, bytes jar, bytes signature} → {@code string hash}; sizes checked
     * before storing (the jar against the node's {@code --max-bundle-size}). Returns the hash stored.
     */
    static String onPutSigned(NodeDaemon node, BodyReader in, BodyWriter out) throws IOException {
        String expected = in.string();
        byte[] jar = in.bytes();
        byte[] signature = in.bytes();
        in.expectEnd();
        long max = Math.min(NodeProtocol.MAX_BUNDLE_BYTES, node.quotas().settings().maxBundleBytes());
        if (jar.length > max) {
            throw ErrorCode.TOO_LARGE.exception("bundle of " + jar.length + " bytes exceeds this node's --max-bundle-size of "
                    + max + " bytes");
        }
        if (signature.length > BundleSignature.BYTES) {
            throw ErrorCode.TOO_LARGE.exception("a bundle signature is " + BundleSignature.BYTES + " bytes, got " + signature.length);
        }
        String hash = node.putBundle(jar, expected, signature);
        out.string(hash);
        return hash;
    }

    /** {@code string hash} → {@code bytes signature} (empty when the bundle came unsigned). */
    static void onGetSignature(NodeDaemon node, BodyReader in, BodyWriter out) throws IOException {
        String hash = in.string();
        in.expectEnd();
        out.bytes(node.getBundleSignature(hash));
    }
}
