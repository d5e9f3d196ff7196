package dev.caravan.client;

import java.net.InetSocketAddress;

/**
 * Where a process was last seen: its node, the node's control endpoint (for calls), its data
 * endpoint and the ownership epoch — the client's cached care-of address.
 */
public record Location(String process, String node, InetSocketAddress control, InetSocketAddress data, long epoch) {
}
