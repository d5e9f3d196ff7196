package dev.caravan.servers.objects;

/**
 * One invocation as decoded by {@link ObjectCodec}.
 *
 * @param sessionId the client session (one per connection, assigned by the codec)
 * @param callId    the client's id for matching the reply
 * @param identity  which object
 * @param operation which method
 * @param argument  its argument (text)
 */
public record ObjectRequest(long sessionId, int callId, String identity, String operation, String argument) {
}
