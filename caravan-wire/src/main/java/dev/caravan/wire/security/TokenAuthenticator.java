package dev.caravan.wire.security;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.Hello;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who a HELLO's token makes the peer, on a port that has a cluster token, a {@link TokenTable}, or both:
 *
 * <ol>
 *   <li>the cluster token ({@code CARAVAN_TOKEN}, what nodes, naming and switches present to
 *       each other) → {@code cluster-token}, role {@link Role#NODE};</li>
 *   <li>a token of the table → that entry's identity;</li>
 *   <li>neither configured → the {@link Identity#development development} identity (an open port);</li>
 *   <li>otherwise → UNAUTHENTICATED.</li>
 * </ol>
 * Both comparisons are constant time. Immutable and thread-safe.
 */
public final class TokenAuthenticator {
    private final String clusterToken;
    private final TokenTable table;

    public TokenAuthenticator(String clusterToken, TokenTable table) {
        this.clusterToken = clusterToken == null ? "" : clusterToken;
        this.table = table;
    }

    /** True when the port admits anyone (no cluster token, no table). */
    public boolean isOpen() {
        return clusterToken.isEmpty() && table.isEmpty();
    }

    /**
     * The identity of a peer that said {@code hello}.
     *
     * @throws dev.caravan.wire.CaravanException UNAUTHENTICATED for a token this port does not know
     */
    public Identity authenticate(Hello hello) {
        if (isOpen()) {
            return Identity.development(hello.peerName());
        }
        boolean cluster = !clusterToken.isEmpty() && MessageDigest.isEqual(clusterToken.getBytes(StandardCharsets.UTF_8),
                hello.token().getBytes(StandardCharsets.UTF_8));
        Optional<Identity> byTable = table.identify(hello.token());
        if (cluster) {
            return new Identity("cluster-token", Role.NODE, Identity.NO_SLICE, "token");
        }
        if (hello.token().isEmpty()) {
            throw ErrorCode.UNAUTHENTICATED.exception("no token given by " + hello.peerName() + ": set " + Hello.TOKEN_ENV
                    + " (the cluster token, or a token from 'caravan tokens add')");
        }
        return byTable.orElseThrow(() -> ErrorCode.UNAUTHENTICATED.exception("unknown token from " + hello.peerName()
                + ": set " + Hello.TOKEN_ENV + " to the cluster token or to a token from 'caravan tokens add'"));
    }
}
