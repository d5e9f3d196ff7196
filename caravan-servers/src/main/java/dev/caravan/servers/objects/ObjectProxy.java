package dev.caravan.servers.objects;

/**
 * A client-side stand-in for one remote object: {@code proxy.invoke("incr", "")} sends
 * the call to its identity through the {@link ObjectClient}'s connection.
 *
 * <p>Threading: as thread-safe as its client (calls are serialized on the connection).
 */
public final class ObjectProxy {
    private final ObjectClient client;
    private final String identity;

    ObjectProxy(ObjectClient client, String identity) {
        this.client = client;
        this.identity = identity;
    }

    /**
     * Invokes {@code operation} on the remote object and waits for the result.
     *
     * @throws dev.caravan.wire.CaravanException with the server's code (NOT_FOUND for an unknown
     *                                           identity, the servant's own codes)
     */
    public String invoke(String operation, String argument) {
        return client.call(identity, operation, argument);
    }

    public String identity() {
        return identity;
    }
}
