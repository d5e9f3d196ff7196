package dev.caravan.kv;

import dev.caravan.core.memory.PagedMemory;

/**
 * Little-endian ints and longs at any address. {@link PagedMemory} reads a wide value in one
 * access only when it does not cross a chunk boundary, which an aligned value never does;
 * fields that follow variable-length bytes (a key, a list entry) are not aligned, so they go
 * byte by byte unless they happen to be aligned. Pure; process thread only (as the memory).
 */
final class Unaligned {
    private Unaligned() {
    }

    static int getInt(PagedMemory mem, long address) {
        if ((address & 3) == 0) {
            return mem.getInt(address);
        }
        int v = 0;
        for (int i = 3; i >= 0; i--) {
            v = (v << 8) | (mem.getByte(address + i) & 0xFF);
        }
        return v;
    }

    static void putInt(PagedMemory mem, long address, int value) {
        if ((address & 3) == 0) {
            mem.putInt(address, value);
            return;
        }
        for (int i = 0; i < 4; i++) {
            mem.putByte(address + i, (byte) (value >>> (8 * i)));
        }
    }

    static long getLong(PagedMemory mem, long address) {
        if ((address & 7) == 0) {
            return mem.getLong(address);
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (mem.getByte(address + i) & 0xFF);
        }
        return v;
    }

    static void putLong(PagedMemory mem, long address, long value) {
        if ((address & 7) == 0) {
            mem.putLong(address, value);
            return;
        }
        for (int i = 0; i < 8; i++) {
            mem.putByte(address + i, (byte) (value >>> (8 * i)));
        }
    }

    /** Lexicographic unsigned comparison of {@code len} bytes at {@code address} with {@code b}, then by length. */
    static int compare(PagedMemory mem, long address, int len, byte[] b) {
        byte[] a = new byte[len];
        mem.read(address, a, 0, len);
        return java.util.Arrays.compareUnsigned(a, b);
    }
}
