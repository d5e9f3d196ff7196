package dev.caravan.servers.binary;

/**
 * One reply of the small binary protocol.
 *
 * @param id    the request id it answers
 * @param value the result (the bench handler's CRC-32 of the payload)
 */
public record BinaryReply(int id, int value) {
}
