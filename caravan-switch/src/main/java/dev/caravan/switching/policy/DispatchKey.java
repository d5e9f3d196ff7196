package dev.caravan.switching.policy;

import java.net.InetAddress;

/**
 * What a policy may look at when it picks a backend for a connection or a request.
 *
 * @param client      the client's address (session affinity by client address); null when unknown
 * @param affinityKey the value affinity sticks to (a cookie's value, a header's value, a RESP key); null for none
 * @param hashKey     the key consistent hashing places (a RESP key, a path, a header's value); null for none
 */
public record DispatchKey(InetAddress client, String affinityKey, String hashKey) {
    /** No key at all: policies that need one fall back to round robin. */
    public static final DispatchKey NONE = new DispatchKey(null, null, null);
}
