package dev.caravan.kv;

import dev.caravan.core.memory.PagedMemory;

/**
 * Little-endian ints and longs at any address. {@link PagedMemory} reads a wide value in one
 * access only when it does not cross a chunk boundary, which an aligned value never does, nor
 * one within a page; fields that follow variable-length bytes (a key, a list entry) are not
 * aligned, so the rare one that straddles pages goes byte by byte. Pure; process thread only (as the memory).
 */
final class Unaligned {
    private Unaligned() {
    }

    static int getInt(PagedMemory mem, long address) {
        if ((address & 3) == 0 || inOnePage(mem, address, 4)) {
            return mem.getInt(address);
        }
        int v = 0;
        for (int i = 3; i >= 0; i--) {
            v = (v << 8) | (mem.getByte(address + i) & 0xFF);
        }
        return v;
    }

    static void putInt(PagedMemory mem, long address, int value) {
        if ((address & 3) == 0 || inOnePage(mem, address, 4)) {
            mem.putInt(address, value);
            return;
        }
        for (int i = 0; i < 4; i++) {
            mem.putByte(address + i, (byte) (value >>> (8 * i)));
        }
    }

    static long getLong(PagedMemory mem, long address) {
        if ((address & 7) == 0 || inOnePage(mem, address, 8)) {
            return mem.getLong(address);
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (mem.getByte(address + i) & 0xFF);
        }
        return v;
    }

    static void putLong(PagedMemory mem, long address, long value) {
        if ((address & 7) == 0 || inOnePage(mem, address, 8)) {
            mem.putLong(address, value);
            return;
        }
        for (int i = 0; i < 8; i++) {
            mem.putByte(address + i, (byte) (value >>> (8 * i)));
        }
    }

    /** Whether {@code len} bytes at {@code address} lie in one page, so in one chunk: then one access reads them. */
    private static boolean inOnePage(PagedMemory mem, long address, int len) {
        long page = mem.pageSizeBytes();
        return (address & (page - 1)) + len <= page;
    }

    /** Lexicographic unsigned comparison of {@code len} bytes at {@code address} with {@code b}, then by length. */
    static int compare(PagedMemory mem, long address, int len, byte[] b) {
        return mem.compareBytes(address, len, b);
    }
}
