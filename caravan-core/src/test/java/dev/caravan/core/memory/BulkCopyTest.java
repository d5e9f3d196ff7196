package dev.caravan.core.memory;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bulk copies between paged memory and off-heap segments, and the big blocks a 512 MB value needs. */
class BulkCopyTest {
    private static final long CHUNK = 4096L * PagedMemory.PAGES_PER_CHUNK;

    private static MemorySegment pattern(Arena arena, long n, int seed) {
        MemorySegment s = arena.allocate(n);
        for (long i = 0; i < n; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + seed));
        }
        return s;
    }

    @Test
    void shouldCopySegmentsInAndOutAcrossChunksMarkingEveryPageDirty() {
        try (Arena arena = Arena.ofConfined(); PagedMemory m = new PagedMemory(16L << 20, 4096)) {
            long n = 3 * CHUNK + 123;
            MemorySegment src = pattern(arena, n, 1);
            long at = CHUNK - 77;

            m.write(at, src, 0, n);
            MemorySegment back = arena.allocate(n);
            m.read(at, back, 0, n);

            assertThat(back.mismatch(src)).isEqualTo(-1);
            assertThat(m.dirtyPageCount()).isEqualTo((at + n - 1) / 4096 - at / 4096 + 1);
        }
    }

    @Test
    void shouldReadZerosFromUntouchedChunks() {
        try (Arena arena = Arena.ofConfined(); PagedMemory m = new PagedMemory(16L << 20, 4096)) {
            MemorySegment dst = pattern(arena, 2 * CHUNK, 5);
            m.read(CHUNK, dst, 0, dst.byteSize());
            assertThat(dst.mismatch(arena.allocate(2 * CHUNK))).isEqualTo(-1);
            assertThat(m.allocatedPages()).isZero();
        }
    }

    @Test
    void shouldCopyWithinMemoryAcrossUnalignedChunksAndRefuseOverlap() {
        try (Arena arena = Arena.ofConfined(); PagedMemory m = new PagedMemory(32L << 20, 4096)) {
            long n = 2 * CHUNK + 999;
            MemorySegment src = pattern(arena, n, 9);
            m.write(100, src, 0, n);

            m.copy(100, 5 * CHUNK + 4321, n);

            MemorySegment back = arena.allocate(n);
            m.read(5 * CHUNK + 4321, back, 0, n);
            assertThat(back.mismatch(src)).isEqualTo(-1);
            assertThatThrownBy(() -> m.copy(100, 200, 1000)).isInstanceOfSatisfying(CaravanException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
            assertThatThrownBy(() -> m.write(0, src, n - 10, 11)).isInstanceOf(CaravanException.class);
        }
    }

    @Test
    void shouldAllocateABlockFor512MiBValueWithoutTouchingItsPages() {
        try (PagedMemory m = new PagedMemory(1L << 30, 4096)) {
            PagedHeap heap = PagedHeap.format(m);
            long block = heap.allocate((512L << 20) + 64);

            assertThat(heap.blockSize(block)).isGreaterThanOrEqualTo((512L << 20) + 64);
            assertThat(m.allocatedBytes()).as("only the chunks of the headers are touched").isLessThanOrEqualTo(2 * CHUNK);
            m.putLong(block + (512L << 20), 42);
            assertThat(m.getLong(block + (512L << 20))).isEqualTo(42);
            heap.free(block);
        }
    }
}
