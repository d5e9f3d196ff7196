package dev.caravan.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ClientBundleProtocol;
import dev.caravan.wire.node.ProcessSpec;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;

/**
 * Code on demand, the node's side: serves the client bundle a hosted process publishes
 * ({@link ClientBundleProtocol}) and makes sure that bundle is on this node wherever the process
 * goes. The declaration lives in the process's deployment settings, which travel with it; the
 * bytes live in the node's {@link BundleStore} and are pulled with {@link BundleFetcher} by a
 * node that lacks them, when the process starts or arrives there. Thread-safe.
 */
final class ClientBundles {
    /** Pulls a bundle this node lacks from a node that advertises it (and advertises it here). */
    interface Puller {
        void pull(String hash) throws IOException;
    }

    private final BundleStore bundles;
    private final Puller puller;
    private final Function<String, ProcessSpec> hostedSpec;

    /**
     * @param hostedSpec the spec of the process of that name that is here and serving (throws NOT_HERE otherwise)
     */
    ClientBundles(BundleStore bundles, Puller puller, Function<String, ProcessSpec> hostedSpec) {
        this.bundles = bundles;
        this.puller = puller;
        this.hostedSpec = hostedSpec;
    }

    /**
     * Before a process starts or arrives here: checks its client code declaration and pulls the
     * client bundle if this node lacks it, so that the process is never here without its client
     * code (a node it left may be gone by the time a client asks).
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for a malformed declaration,
     *                                           NOT_FOUND when no node holds the bundle
     */
    void ensurePresent(ProcessSpec spec) throws IOException {
        Optional<ClientBundleProtocol.Declaration> declared = ClientBundleProtocol.declared(spec.config());
        if (declared.isPresent() && !bundles.has(declared.get().hash())) {
            try {
                puller.pull(declared.get().hash());
            } catch (dev.caravan.wire.CaravanException e) {
                throw e.code().exception("the client bundle of " + spec.name() + ": " + e.getMessage());
            }
        }
    }

    /** NODE_CLIENT_BUNDLE: decodes the request and writes the reply ({@link ClientBundleProtocol}). */
    void onRequest(BodyReader in, BodyWriter out) throws IOException {
        String process = in.string();
        String cachedHash = in.string();
        in.expectEnd();
        ProcessSpec spec = hostedSpec.apply(process);
        ClientBundleProtocol.Declaration declared = ClientBundleProtocol.declared(spec.config()).orElseThrow(() ->
                ErrorCode.NOT_FOUND.exception("process " + process + " publishes no client code; deploy it with"
                        + " --client-bundle JAR --client-class CLASS"));
        if (!bundles.has(declared.hash())) {
            puller.pull(declared.hash());
        }
        byte[] jar = declared.hash().equals(cachedHash) ? new byte[0] : bundles.get(declared.hash());
        new ClientBundleProtocol.Reply(declared.hash(), declared.entryClass(), jar).writeTo(out);
    }
}
