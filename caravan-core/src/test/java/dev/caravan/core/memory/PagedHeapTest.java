package dev.caravan.core.memory;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PagedHeapTest {
    private static void assertCode(Runnable r, ErrorCode code) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void shouldRoundSizesUpWithinAQuarter() {
        for (long bytes : new long[] {1, 15, 16, 17, 64, 65, 100, 128, 129, 4096, 5000, 1 << 20, (1 << 20) + 1, 1L << 30}) {
            long size = SizeClasses.size(SizeClasses.of(bytes));
            assertThat(size).isGreaterThanOrEqualTo(bytes);
            assertThat(size).isLessThanOrEqualTo(Math.max(16, bytes + bytes / 4 + 16));
            assertThat(size % 16).isZero();
        }
        for (int c = 1; c < SizeClasses.COUNT; c++) {
            assertThat(SizeClasses.size(c)).isGreaterThan(SizeClasses.size(c - 1));
            assertThat(SizeClasses.of(SizeClasses.size(c))).isEqualTo(c);
        }
        assertThat(SizeClasses.of((1L << 30) + 1)).isEqualTo(-1);
    }

    @Test
    void shouldAllocateFreeAndReuse() {
        try (PagedMemory m = new PagedMemory(16 << 20, 4096)) {
            PagedHeap heap = PagedHeap.format(m);
            long a = heap.allocate(100);
            long b = heap.allocate(100);
            assertThat(a % 8).isZero();
            assertThat(b - a).isGreaterThanOrEqualTo(100);
            assertThat(heap.blockSize(a)).isGreaterThanOrEqualTo(100);
            long used = heap.usedBytes();
            heap.free(a);
            assertThat(heap.usedBytes()).isLessThan(used);
            assertThat(heap.allocate(97)).isEqualTo(a);
            assertCode(() -> heap.free(a + 8), ErrorCode.INVALID_ARGUMENT);
            heap.free(b);
            assertCode(() -> heap.free(b), ErrorCode.INVALID_ARGUMENT);
        }
    }

    @Test
    void shouldThrowTooLargeWhenExhaustedAndReuseLargerFreeBlocks() {
        try (PagedMemory m = new PagedMemory(1 << 20, 4096)) {
            PagedHeap heap = PagedHeap.format(m);
            assertCode(() -> heap.allocate(2 << 20), ErrorCode.TOO_LARGE);
            assertCode(() -> heap.allocate((1L << 30) + 1), ErrorCode.TOO_LARGE);
            long big = heap.allocate(600_000);
            assertCode(() -> heap.allocate(600_000), ErrorCode.TOO_LARGE);
            List<Long> small = new ArrayList<>();
            try {
                while (true) {
                    small.add(heap.allocate(1000));
                }
            } catch (CaravanException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
            }
            heap.free(big);
            assertThat(heap.allocate(1000)).isEqualTo(big);
        }
    }

    @Test
    void shouldAttachToTheSameHeapAfterPagesAreCopied() {
        try (PagedMemory m = new PagedMemory(8 << 20, 4096); PagedMemory copy = new PagedMemory(8 << 20, 4096)) {
            PagedHeap heap = PagedHeap.format(m);
            long a = heap.allocate(5000);
            m.write(a, new byte[] {1, 2, 3}, 0, 3);
            long freed = heap.allocate(40);
            heap.free(freed);
            heap.setRoot(0, a);
            byte[] page = new byte[4096];
            for (long p = 0; p < m.pageCapacity(); p++) {
                if (m.isAllocated(p)) {
                    m.readPage(p, page);
                    copy.installPage(p, page);
                }
            }
            PagedHeap again = PagedHeap.attach(copy);
            assertThat(again.root(0)).isEqualTo(a);
            assertThat(again.usedBytes()).isEqualTo(heap.usedBytes());
            assertThat(again.blockSize(a)).isEqualTo(heap.blockSize(a));
            byte[] three = new byte[3];
            copy.read(again.root(0), three, 0, 3);
            assertThat(three).containsExactly(1, 2, 3);
            assertThat(again.allocate(40)).isEqualTo(freed);
        }
    }

    @Test
    void shouldRefuseToAttachToMemoryWithoutAHeap() {
        try (PagedMemory m = new PagedMemory(1 << 20, 4096)) {
            assertCode(() -> PagedHeap.attach(m), ErrorCode.MALFORMED);
            PagedHeap.format(m);
            m.putLong(8, 99);
            assertCode(() -> PagedHeap.attach(m), ErrorCode.MALFORMED);
        }
    }
}
