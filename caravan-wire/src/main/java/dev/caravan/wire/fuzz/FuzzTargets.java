package dev.caravan.wire.fuzz;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.Frame;
import dev.caravan.wire.FrameReader;
import dev.caravan.wire.command.CommandCodec;
import dev.caravan.wire.resp.RespLimits;
import dev.caravan.wire.resp.RespReader;
import dev.caravan.wire.resp.RespReplyReader;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * The decoders under fuzz, each fed one input. A target returns normally or throws only the
 * failures a decoder may report ({@link CaravanException}, {@link EOFException}); anything
 * else (IndexOutOfBounds, NegativeArraySize, OutOfMemoryError) escapes and is a finding.
 * Small limits keep a lying length from being "valid" and allocating a lot.
 */
public final class FuzzTargets {
    public static final RespLimits LIMITS = new RespLimits(1 << 20, 1024, 1024);

    private FuzzTargets() {
    }

    /** Client requests through {@link RespReader}, as a data endpoint reads them. */
    public static void respRequests(byte[] input) throws IOException {
        RespReader r = new RespReader(new ByteArrayInputStream(input), LIMITS);
        try {
            while (r.read() != null) {
                r.hasBufferedInput();
            }
        } catch (CaravanException | EOFException expected) {
            // a typed protocol error
        }
    }

    /** Server replies through {@link RespReplyReader}. */
    public static void respReplies(byte[] input) throws IOException {
        RespReplyReader r = new RespReplyReader(new ByteArrayInputStream(input), LIMITS);
        try {
            while (r.read() != null) {
                r.hasBufferedInput();
            }
        } catch (CaravanException | EOFException expected) {
            // a typed protocol error
        }
    }

    /**
     * Binary frames through {@link FrameReader}, each body decoded as a command and as a reply
     * with {@link CommandCodec} (over {@link BodyReader}).
     */
    public static void frames(byte[] input) throws IOException {
        FrameReader r = new FrameReader(new ByteArrayInputStream(input), 1 << 20);
        try {
            Frame f;
            while ((f = r.read()) != null) {
                try {
                    CommandCodec.readCommand(f.reader());
                } catch (CaravanException expected) {
                    // a typed decoding error
                }
                try {
                    CommandCodec.readReply(f.reader());
                } catch (CaravanException expected) {
                    // a typed decoding error
                }
            }
        } catch (CaravanException | EOFException expected) {
            // a typed framing error
        }
    }

    /** A frame body alone, decoded as a command and as a reply. */
    public static void bodies(byte[] input) {
        try {
            CommandCodec.readCommand(new BodyReader(input)).payloadBytes();
        } catch (CaravanException expected) {
            // a typed decoding error
        }
        try {
            CommandCodec.readReply(new BodyReader(input));
        } catch (CaravanException expected) {
            // a typed decoding error
        }
    }
}
