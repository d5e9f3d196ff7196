package dev.caravan.wire.net;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * The handshake every binary port requires as its first frame: the peer's name and the
 * cluster token. Body: {@code string peerName, string token}.
 *
 * <p>A port configured with an empty token accepts any token (loopback development); one with
 * a token refuses a different one with {@link ErrorCode#UNAUTHENTICATED} and closes.
 */
public record Hello(String peerName, String token) {
    public static final String TOKEN_ENV = "CARAVAN_TOKEN";

    public Frame toFrame(long requestId) {
        return new Frame(Op.HELLO, requestId, new BodyWriter().string(peerName).string(token).toBytes());
    }

    public static Hello from(Frame f) {
        if (f.type() != Op.HELLO) {
            throw ErrorCode.UNAUTHENTICATED.exception("the first frame must be HELLO, got " + Op.name(f.type()));
        }
        BodyReader r = f.reader();
        Hello h = new Hello(r.string(), r.string());
        r.expectEnd();
        return h;
    }

    /** Constant-time comparison against the expected token. */
    public boolean admits(String expectedToken) {
        if (expectedToken == null || expectedToken.isEmpty()) {
            return true;
        }
        return MessageDigest.isEqual(expectedToken.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    /** The token from the environment, or empty. */
    public static String tokenFromEnvironment() {
        String t = System.getenv(TOKEN_ENV);
        return t == null ? "" : t;
    }
}
