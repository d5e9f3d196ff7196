package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.CRC32;

/**
 * The checkpoint file, version 3: a header, then records, then an END record whose CRC-32 covers
 * every byte before it. Page records may repeat (a checkpoint is written while the process runs,
 * pre-copy style); the last record of a page wins.
 *
 * <pre>
 * file   := magic "CRVNCKPT" (8 bytes), u16 version (=3; 1 and 2 are read too), i32 headerLength, header, record*, end
 * header := spec, string processId, i64 epoch, i32 pageSizeBytes
 *           [i32 stateVersion]                                  version 3: the STATE record's version, known up
 *                                                               front so a restore can be refused before its pages
 * record := u8 1, i64 page, page bytes (pageSizeBytes)          PAGE
 *         | u8 2, i32 stateVersion, i32 n, n bytes               STATE (exactly one, before END)
 *         | u8 4, i32 n, n bytes = recent replies                REPLIES (at most one; version 2) — the
 *                                                               deduplication table, as MigrationMessages writes it
 * end    := u8 3, i64 pageRecords, i64 crc32
 * </pre>
 *
 * A reader refuses a wrong magic or version, a page outside the spec's memory, a missing state,
 * a STATE record whose version is not the header's (version 3), a wrong CRC and a file that ends
 * early, each with {@link ErrorCode#MALFORMED}. A writer given a header without a state version
 * writes version 2.
 */
public final class CheckpointFormat {
    public static final int VERSION = 3;
    private static final byte[] MAGIC = {'C', 'R', 'V', 'N', 'C', 'K', 'P', 'T'};
    private static final int PAGE = 1;
    private static final int STATE = 2;
    private static final int END = 3;
    private static final int REPLIES = 4;
    private static final int MAX_HEADER_BYTES = 1 << 20;
    private static final int MAX_STATE_BYTES = 64 << 20;

    private CheckpointFormat() {
    }

    /**
     * The fixed part of a checkpoint.
     *
     * @param stateVersion the version of the STATE record to come (version 3), empty in older files
     */
    public record Header(ProcessSpec spec, String processId, long epoch, int pageSizeBytes, java.util.OptionalInt stateVersion) {
        public Header {
            java.util.Objects.requireNonNull(stateVersion, "stateVersion");
        }

        /** A header that does not say the state version (written as version 2). */
        public Header(ProcessSpec spec, String processId, long epoch, int pageSizeBytes) {
            this(spec, processId, epoch, pageSizeBytes, java.util.OptionalInt.empty());
        }
    }

    /** Writes a checkpoint as a stream of records. Not thread-safe. */
    public static final class Writer implements AutoCloseable {
        private final DataOutputStream out;
        private final CRC32 crc = new CRC32();
        private final int pageSizeBytes;
        private long pageRecords;
        private long bytes;

        public Writer(OutputStream raw, Header header) throws IOException {
            this.out = new DataOutputStream(raw);
            this.pageSizeBytes = header.pageSizeBytes();
            BodyWriter h = new BodyWriter();
            header.spec().writeTo(h);
            h.string(header.processId()).i64(header.epoch()).i32(header.pageSizeBytes());
            header.stateVersion().ifPresent(h::i32);
            byte[] hb = h.toBytes();
            BodyWriter start = new BodyWriter().u16(header.stateVersion().isPresent() ? VERSION : 2).i32(hb.length);
            write(MAGIC);
            write(start.toBytes());
            write(hb);
        }

        private void write(byte[] b) throws IOException {
            out.write(b);
            crc.update(b);
            bytes += b.length;
        }

        public void page(long page, byte[] content) throws IOException {
            if (content.length != pageSizeBytes) {
                throw ErrorCode.INVALID_ARGUMENT.exception("page of " + content.length + " bytes, expected " + pageSizeBytes);
            }
            write(new BodyWriter(9).u8(PAGE).i64(page).toBytes());
            write(content);
            pageRecords++;
        }

        public void state(int version, byte[] state) throws IOException {
            write(new BodyWriter(9 + state.length).u8(STATE).i32(version).bytes(state).toBytes());
        }

        /** The process's recent replies (its deduplication table), so that a retry after a restore is not run twice. */
        public void recentReplies(java.util.List<MigrationMessages.RecentReply> replies) throws IOException {
            BodyWriter body = new BodyWriter();
            MigrationMessages.writeRecentReplies(body, replies);
            byte[] b = body.toBytes();
            write(new BodyWriter(5 + b.length).u8(REPLIES).bytes(b).toBytes());
        }

        /** Writes END and flushes; the file is complete only after this. */
        public void finish() throws IOException {
            byte[] endHead = new BodyWriter(9).u8(END).i64(pageRecords).toBytes();
            write(endHead);
            out.write(new BodyWriter(8).i64(crc.getValue()).toBytes());
            bytes += 8;
            out.flush();
        }

        public long bytesWritten() {
            return bytes;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Receives a checkpoint's contents as it is read. */
    public interface Visitor {
        void onHeader(Header header) throws IOException;

        void onPage(long page, byte[] content) throws IOException;

        void onState(int version, byte[] state) throws IOException;

        /** The deduplication table (version 2 files); absent in version 1. */
        default void onRecentReplies(java.util.List<MigrationMessages.RecentReply> replies) throws IOException {
        }
    }

    /** Reads and verifies a whole checkpoint, handing each part to {@code visitor} as it goes. */
    public static void read(InputStream raw, Visitor visitor) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        CRC32 crc = new CRC32();
        try {
            byte[] magic = readN(in, 8, crc);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw ErrorCode.MALFORMED.exception("not a Caravan checkpoint (bad magic)");
            }
            BodyReader start = new BodyReader(readN(in, 6, crc));
            int version = start.u16();
            if (version < 1 || version > VERSION) {
                throw ErrorCode.UNSUPPORTED_VERSION.exception("checkpoint version " + version + ", this build reads 1 to " + VERSION);
            }
            int headerLength = start.i32();
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw ErrorCode.MALFORMED.exception("checkpoint header of " + headerLength + " bytes");
            }
            BodyReader h = new BodyReader(readN(in, headerLength, crc));
            Header header = new Header(ProcessSpec.readFrom(h), h.string(), h.i64(), h.i32(),
                    version >= 3 ? java.util.OptionalInt.of(h.i32()) : java.util.OptionalInt.empty());
            h.expectEnd();
            int pageSize = header.pageSizeBytes();
            if (Integer.bitCount(pageSize) != 1 || pageSize < 512 || pageSize > (1 << 20)) {
                throw ErrorCode.MALFORMED.exception("checkpoint page size " + pageSize);
            }
            long maxPage = header.spec().memoryBytes() / pageSize;
            visitor.onHeader(header);
            boolean sawState = false;
            long pages = 0;
            while (true) {
                int type = readN(in, 1, crc)[0];
                if (type == PAGE) {
                    long page = new BodyReader(readN(in, 8, crc)).i64();
                    if (page < 0 || page >= maxPage) {
                        throw ErrorCode.MALFORMED.exception("checkpoint page " + page + " outside the process memory");
                    }
                    visitor.onPage(page, readN(in, pageSize, crc));
                    pages++;
                } else if (type == STATE) {
                    BodyReader s = new BodyReader(readN(in, 8, crc));
                    int stateVersion = s.i32();
                    if (header.stateVersion().isPresent() && header.stateVersion().getAsInt() != stateVersion) {
                        throw ErrorCode.MALFORMED.exception("checkpoint header says state version " + header.stateVersion().getAsInt()
                                + " but its state record is version " + stateVersion);
                    }
                    int n = s.i32();
                    if (n < 0 || n > MAX_STATE_BYTES) {
                        throw ErrorCode.MALFORMED.exception("checkpoint state of " + n + " bytes");
                    }
                    visitor.onState(stateVersion, readN(in, n, crc));
                    sawState = true;
                } else if (type == REPLIES && version >= 2) {
                    int n = new BodyReader(readN(in, 4, crc)).i32();
                    if (n < 0 || n > MAX_STATE_BYTES) {
                        throw ErrorCode.MALFORMED.exception("checkpoint replies of " + n + " bytes");
                    }
                    BodyReader r = new BodyReader(readN(in, n, crc));
                    java.util.List<MigrationMessages.RecentReply> replies = MigrationMessages.readRecentReplies(r);
                    r.expectEnd();
                    visitor.onRecentReplies(replies);
                } else if (type == END) {
                    long declared = new BodyReader(readN(in, 8, crc)).i64();
                    long expectedCrc = crc.getValue();
                    byte[] crcBytes = new byte[8];
                    in.readFully(crcBytes);
                    long storedCrc = new BodyReader(crcBytes).i64();
                    if (declared != pages || storedCrc != expectedCrc || !sawState) {
                        throw ErrorCode.MALFORMED.exception("checkpoint is corrupt (page count, state or CRC do not match)");
                    }
                    return;
                } else {
                    throw ErrorCode.MALFORMED.exception("unknown checkpoint record type " + type);
                }
            }
        } catch (EOFException e) {
            throw ErrorCode.MALFORMED.exception("checkpoint is truncated");
        }
    }

    private static byte[] readN(DataInputStream in, int n, CRC32 crc) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        crc.update(b);
        return b;
    }
}
