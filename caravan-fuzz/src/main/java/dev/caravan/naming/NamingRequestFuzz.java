package dev.caravan.naming;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameConnection;
import dev.caravan.wire.net.FuzzConnections;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/**
 * The naming port's request decoding ({@link NamingRequestHandler}, layouts in {@link NamingProtocol})
 * as a fuzz target: byte 0 picks the op, the rest is the body, against a fresh service that
 * holds one open lease (its id is the first the service hands out, as in the seeds). Lives in the naming package (of the fuzz module) because the
 * handler is package-private. WATCH/UNWATCH are left out: they need a live connection (the
 * hostile-peer suite sends them over a socket).
 *
 * <p>Contract: the handler returns a reply or throws {@link CaravanException}; anything else is a finding.
 */
public final class NamingRequestFuzz {
    static final List<Integer> OPS = List.of(Op.PING, Op.NAMING_OPEN_LEASE, Op.NAMING_RENEW_LEASE, Op.NAMING_CLOSE_LEASE,
            Op.NAMING_REGISTER, Op.NAMING_UNREGISTER, Op.NAMING_LOOKUP, Op.NAMING_LIST);
    /** Past its HELLO with the development identity, as on a port without a token: every entry is visible. */
    private static final FrameConnection CONNECTION = FuzzConnections.development("fuzz");
    private static final InstantSource FIXED = InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));

    private NamingRequestFuzz() {
    }

    /** The fuzz target. */
    public static void requests(byte[] input) {
        if (input.length < 1) {
            return;
        }
        LocalNamingService service = new LocalNamingService(FIXED);
        NamingRequestHandler handler = new NamingRequestHandler(service, null);
        service.openLease("fuzz", 10_000);
        int op = OPS.get(Byte.toUnsignedInt(input[0]) % OPS.size());
        byte[] body = java.util.Arrays.copyOfRange(input, 1, input.length);
        try {
            handler.onFrame(CONNECTION, new Frame(op, 1, body));
        } catch (CaravanException expected) {
            // a typed refusal
        }
    }

    /** An input for {@link #requests}: op index, body. */
    public static byte[] input(int op, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = (byte) OPS.indexOf(op);
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }
}
