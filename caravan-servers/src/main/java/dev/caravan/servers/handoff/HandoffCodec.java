package dev.caravan.servers.handoff;

import dev.caravan.wire.ErrorCode;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The TCP handoff message between the switch and a node's handoff socket
 * ({@code <data-dir>/handoff.sock}, a Unix-domain stream socket). Big-endian; one request, one
 * reply, repeated on one connection; a connection that sent a bad request is closed after the
 * refusal.
 *
 * <pre>
 * request (switch → node), version 1:
 *   offset size
 *   0      4    magic 'C' 'V' 'H' 'O'
 *   4      1    version = 1
 *   5      2    token length T (0..256)          then T bytes UTF-8: the cluster token ("" for none)
 *          2    name length N (1..256)           then N bytes UTF-8: the process to adopt the connection
 *          8    epoch expected (i64, 0 = any)    a different epoch running now is refused STALE_EPOCH
 *          1    socket family: 4 or 6            of the passed socket (AF_INET / AF_INET6)
 *          1    address length A (4 or 16)       then A bytes: the client's address
 *          2    client port (u16)
 *          4    prefix length P (0..65536)       then P bytes: what the switch already read (its first request)
 *   ancillary data (SCM_RIGHTS, sent with the message's first write): exactly one descriptor,
 *   the client's TCP socket
 *
 * reply (node → switch):
 *   1    status: 0 adopted, else an {@link ErrorCode} value (MALFORMED, TOO_LARGE,
 *        UNSUPPORTED_VERSION, UNAUTHENTICATED, NOT_FOUND, STALE_EPOCH, NOT_SUPPORTED, UNAVAILABLE — also a
 *        process at its connection limit —, BUSY: the node's handoff socket has too many connections
 *        and this one is closed after the reply; its request was not read)
 *   2    message length M (0..1024)   then M bytes UTF-8: one line saying why
 * </pre>
 *
 * Every length is checked against its limit before anything is allocated for it.
 *
 * <p>Threading: stateless; thread-safe.
 */
public final class HandoffCodec {
    /** 'CVHO'. */
    public static final int MAGIC = 0x4356484F;
    public static final int VERSION = 1;
    public static final int MAX_TOKEN_BYTES = 256;
    public static final int MAX_NAME_BYTES = 256;
    /** The most a switch may have read before handing off (its first request). */
    public static final int MAX_PREFIX_BYTES = 64 * 1024;
    public static final int MAX_REPLY_MESSAGE_BYTES = 1024;

    private HandoffCodec() {
    }

    /**
     * The request's bytes, to be written in one write with the descriptor attached.
     *
     * @throws dev.caravan.wire.CaravanException TOO_LARGE / INVALID_ARGUMENT for a field over its limit
     */
    public static byte[] encode(HandoffRequest r) {
        byte[] token = r.token().getBytes(StandardCharsets.UTF_8);
        byte[] name = r.processName().getBytes(StandardCharsets.UTF_8);
        byte[] address = r.client().getAddress().getAddress();
        if (token.length > MAX_TOKEN_BYTES || name.length == 0 || name.length > MAX_NAME_BYTES) {
            throw ErrorCode.INVALID_ARGUMENT.exception("handoff: token up to " + MAX_TOKEN_BYTES + " bytes and a name of 1.."
                    + MAX_NAME_BYTES + " bytes");
        }
        if (r.alreadyRead().length > MAX_PREFIX_BYTES) {
            throw ErrorCode.TOO_LARGE.exception("handoff: " + r.alreadyRead().length + " bytes already read exceed "
                    + MAX_PREFIX_BYTES);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(40 + token.length + name.length + r.alreadyRead().length);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            out.writeShort(token.length);
            out.write(token);
            out.writeShort(name.length);
            out.write(name);
            out.writeLong(r.epoch());
            out.writeByte(r.ipv6() ? 6 : 4);
            out.writeByte(address.length);
            out.write(address);
            out.writeShort(r.client().getPort());
            out.writeInt(r.alreadyRead().length);
            out.write(r.alreadyRead());
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads one request.
     *
     * @return null at a clean end of stream (before the first byte)
     * @throws dev.caravan.wire.CaravanException MALFORMED (bad magic, family, address, name), UNSUPPORTED_VERSION,
     *                                           TOO_LARGE (a length over its limit); the stream is then out of step
     * @throws java.io.EOFException when the stream ends inside a request (truncated)
     */
    public static HandoffRequest decode(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int first = in.read();
        if (first < 0) {
            return null;
        }
        int magic = (first << 24) | (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        if (magic != MAGIC) {
            throw ErrorCode.MALFORMED.exception("handoff: not a handoff message (bad magic)");
        }
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw ErrorCode.UNSUPPORTED_VERSION.exception("handoff: version " + version + " not supported; this node speaks " + VERSION);
        }
        String token = readString(in, MAX_TOKEN_BYTES, 0, "token");
        String name = readString(in, MAX_NAME_BYTES, 1, "process name");
        long epoch = in.readLong();
        int family = in.readUnsignedByte();
        if (family != 4 && family != 6) {
            throw ErrorCode.MALFORMED.exception("handoff: socket family " + family + " is neither 4 nor 6");
        }
        int addressLength = in.readUnsignedByte();
        if (addressLength != 4 && addressLength != 16) {
            throw ErrorCode.MALFORMED.exception("handoff: client address of " + addressLength + " bytes");
        }
        byte[] address = new byte[addressLength];
        in.readFully(address);
        int port = in.readUnsignedShort();
        int prefixLength = in.readInt();
        if (prefixLength < 0 || prefixLength > MAX_PREFIX_BYTES) {
            throw ErrorCode.TOO_LARGE.exception("handoff: " + Integer.toUnsignedString(prefixLength)
                    + " bytes already read exceed " + MAX_PREFIX_BYTES);
        }
        byte[] prefix = new byte[prefixLength];
        in.readFully(prefix);
        return new HandoffRequest(token, name, epoch, family == 6,
                new InetSocketAddress(InetAddress.getByAddress(address), port), prefix);
    }

    private static String readString(DataInputStream in, int max, int min, String what) throws IOException {
        int n = in.readUnsignedShort();
        if (n > max) {
            throw ErrorCode.TOO_LARGE.exception("handoff: " + what + " of " + n + " bytes exceeds " + max);
        }
        if (n < min) {
            throw ErrorCode.MALFORMED.exception("handoff: empty " + what);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Writes a reply (a message longer than the limit is cut). */
    public static void writeReply(OutputStream stream, HandoffReply reply) throws IOException {
        byte[] message = reply.message().getBytes(StandardCharsets.UTF_8);
        int n = Math.min(message.length, MAX_REPLY_MESSAGE_BYTES);
        byte[] out = new byte[3 + n];
        out[0] = (byte) (reply.adopted() ? 0 : reply.error().value());
        out[1] = (byte) (n >>> 8);
        out[2] = (byte) n;
        System.arraycopy(message, 0, out, 3, n);
        stream.write(out);
        stream.flush();
    }

    /**
     * Reads a reply.
     *
     * @throws dev.caravan.wire.CaravanException MALFORMED for a message length over the limit
     * @throws java.io.EOFException when the node closed before replying
     */
    public static HandoffReply readReply(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int status = in.readUnsignedByte();
        int n = in.readUnsignedShort();
        if (n > MAX_REPLY_MESSAGE_BYTES) {
            throw ErrorCode.MALFORMED.exception("handoff reply: message of " + n + " bytes exceeds " + MAX_REPLY_MESSAGE_BYTES);
        }
        byte[] message = new byte[n];
        in.readFully(message);
        String text = new String(message, StandardCharsets.UTF_8);
        return status == 0 ? HandoffReply.ADOPTED : HandoffReply.refused(ErrorCode.of(status), text);
    }
}
