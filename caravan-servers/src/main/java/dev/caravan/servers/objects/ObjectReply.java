package dev.caravan.servers.objects;

import dev.caravan.wire.CaravanException;

/**
 * One invocation's outcome.
 *
 * @param callId the request's call id ({@link ObjectCodec#ERROR_CALL_ID} for a stream error)
 * @param status 0 for success, else an {@link dev.caravan.wire.ErrorCode} value
 * @param text   the result, or the error message
 */
public record ObjectReply(int callId, int status, String text) {
    public static ObjectReply ok(int callId, String result) {
        return new ObjectReply(callId, 0, result);
    }

    public static ObjectReply error(int callId, CaravanException e) {
        return new ObjectReply(callId, e.code().value(), String.valueOf(e.getMessage()));
    }
}
