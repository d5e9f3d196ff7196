package dev.caravan.cli.bench.migration;

import dev.caravan.wire.resp.RespConnection;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys a migration benchmark moves: {@code keys} keys {@code prefix + i}, each holding a
 * value of {@code valueBytes} bytes that names its version — the version as 16 hex digits,
 * repeated to the value's length. A value read back therefore tells which write it came from,
 * and a value torn across pages (half old, half new) does not match any version.
 *
 * <p>Immutable; thread-safe.
 */
public record DataSet(String prefix, int keys, int valueBytes) {
    /** Bytes of a record's header and heap block header that share a size class with the value. */
    private static final int RECORD_OVERHEAD_BYTES = 16;
    private static final byte[] SET = "SET".getBytes(StandardCharsets.US_ASCII);

    public DataSet {
        if (keys < 1 || valueBytes < 16) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a data set needs ≥ 1 key and values of ≥ 16 bytes");
        }
    }

    /**
     * About {@code stateBytes} of data in 64 KiB records: values sized so that header, key and
     * value fill exactly one 64 KiB heap block (no size-class waste), so the process's memory is
     * close to {@code stateBytes}.
     */
    public static DataSet ofState(long stateBytes) {
        int record = 64 * 1024;
        int keys = (int) Math.max(1, Math.min(Integer.MAX_VALUE, stateBytes / record));
        String prefix = "d:";
        int keyBytes = key(prefix, 0).length;
        return new DataSet(prefix, keys, record - RECORD_OVERHEAD_BYTES - keyBytes);
    }

    /** Total bytes of values. */
    public long valueTotalBytes() {
        return (long) keys * valueBytes;
    }

    public byte[] key(int i) {
        return key(prefix, i);
    }

    private static byte[] key(String prefix, int i) {
        return String.format("%s%08d", prefix, i).getBytes(StandardCharsets.US_ASCII);
    }

    /** The value of version {@code version}. */
    public byte[] value(long version) {
        byte[] stamp = String.format("%016x", version).getBytes(StandardCharsets.US_ASCII);
        byte[] v = new byte[valueBytes];
        for (int i = 0; i < valueBytes; i++) {
            v[i] = stamp[i & 15];
        }
        return v;
    }

    /** The version a value names, or -1 if it is not a well-formed value of this data set. */
    public long versionOf(byte[] v) {
        if (v.length != valueBytes) {
            return -1;
        }
        long version;
        try {
            version = Long.parseUnsignedLong(new String(v, 0, 16, StandardCharsets.US_ASCII), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
        for (int i = 16; i < v.length; i++) {
            if (v[i] != v[i & 15]) {
                return -1;
            }
        }
        return version;
    }

    /** SET for key {@code i} to version {@code version}. */
    public Command set(int i, long version) {
        return new Command(new byte[][] {SET, key(i), value(version)});
    }

    /** Writes every key at version 0, pipelined {@code batch} at a time. */
    public void load(InetSocketAddress target, int batch) throws IOException {
        byte[] v0 = value(0);
        try (RespConnection c = new RespConnection(target)) {
            List<Command> commands = new ArrayList<>(batch);
            for (int i = 0; i < keys; i++) {
                commands.add(new Command(new byte[][] {SET, key(i), v0}));
                if (commands.size() == batch || i == keys - 1) {
                    for (Reply r : c.pipeline(commands)) {
                        if (!Reply.OK.equals(r)) {
                            throw ErrorCode.INTERNAL.exception("SET failed while loading: " + r);
                        }
                    }
                    commands.clear();
                }
            }
        }
    }
}
