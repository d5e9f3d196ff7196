package dev.caravan.servers.binary;

/**
 * One request of the small binary protocol.
 *
 * @param id   the client's request id, echoed in the reply
 * @param data the payload (not copied; treat as read-only)
 */
public record BinaryRequest(int id, byte[] data) {
}
