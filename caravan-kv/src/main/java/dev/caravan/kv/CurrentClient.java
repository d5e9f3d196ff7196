package dev.caravan.kv;

/**
 * What the command being executed needs to know of the client that sent it: the RESP protocol
 * version it chose with {@code HELLO} (2 until then), so that commands whose reply shape differs
 * between RESP2 and RESP3 (scores, pairs) answer in the client's shape. One instance per
 * {@link KvProcess}, set before each command; process thread only.
 */
final class CurrentClient {
    private int protocol = 2;

    /** The client's protocol version: 2 or 3. */
    int protocol() {
        return protocol;
    }

    boolean resp3() {
        return protocol == 3;
    }

    void protocol(int version) {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("RESP protocol version 2 or 3, got " + version);
        }
        protocol = version;
    }
}
