package dev.caravan.core.eval;

import dev.caravan.core.memory.PagedMemory;

/**
 * A read-only view of a process's {@link PagedMemory}: the reads, none of the writes. Values
 * wider than a byte are little-endian, as {@link PagedMemory} stores them; out-of-range reads
 * throw {@code INVALID_ARGUMENT}. Each read checks the function's budget first (see
 * {@link EvalGuard}).
 */
public final class ReadOnlyMemory {
    private final PagedMemory memory;
    private final EvalGuard guard;

    ReadOnlyMemory(PagedMemory memory, EvalGuard guard) {
        this.memory = memory;
        this.guard = guard;
    }

    public long capacityBytes() {
        return memory.capacityBytes();
    }

    public int pageSizeBytes() {
        return memory.pageSizeBytes();
    }

    public long getLong(long address) {
        guard.enter();
        try {
            return memory.getLong(address);
        } finally {
            guard.exit();
        }
    }

    public int getInt(long address) {
        guard.enter();
        try {
            return memory.getInt(address);
        } finally {
            guard.exit();
        }
    }

    public byte getByte(long address) {
        guard.enter();
        try {
            return memory.getByte(address);
        } finally {
            guard.exit();
        }
    }

    /** Copies {@code len} bytes at {@code address} into {@code dst} from {@code off}. */
    public void read(long address, byte[] dst, int off, int len) {
        guard.enter();
        try {
            memory.read(address, dst, off, len);
        } finally {
            guard.exit();
        }
    }
}
