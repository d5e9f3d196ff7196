package dev.caravan.core.memory;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PagedMemoryTest {
    @Test
    void shouldReadZerosAndAllocateNothingUntilWritten() {
        try (PagedMemory m = new PagedMemory(64L << 20, 4096)) {
            assertThat(m.getLong(123_456)).isZero();
            assertThat(m.allocatedPages()).isZero();
            m.putLong(8, 42);
            assertThat(m.getLong(8)).isEqualTo(42);
            assertThat(m.allocatedPages()).isEqualTo(PagedMemory.PAGES_PER_CHUNK);
        }
    }

    @Test
    void shouldMarkEveryPageAWriteTouches() {
        try (PagedMemory m = new PagedMemory(64L << 20, 4096)) {
            byte[] data = new byte[3 * 4096];
            m.write(4096 - 10, data, 0, data.length);
            assertThat(m.dirtyPageCount()).isEqualTo(4);
            assertThat(m.isDirty(0)).isTrue();
            assertThat(m.isDirty(3)).isTrue();
            assertThat(m.isDirty(4)).isFalse();
            long[] taken = m.takeDirtyPages();
            assertThat(taken[0]).isEqualTo(0b1111L);
            assertThat(m.dirtyPageCount()).isZero();
            m.putInt(5 * 4096, 7);
            assertThat(m.dirtyPageCount()).isEqualTo(1);
        }
    }

    @Test
    void shouldCopyAcrossChunkBoundaries() {
        try (PagedMemory m = new PagedMemory(64L << 20, 4096)) {
            long chunkBytes = 4096L * PagedMemory.PAGES_PER_CHUNK;
            byte[] data = new byte[10_000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) i;
            }
            m.write(chunkBytes - 5000, data, 0, data.length);
            byte[] back = new byte[data.length];
            m.read(chunkBytes - 5000, back, 0, back.length);
            assertThat(back).isEqualTo(data);
            assertThat(m.equalsBytes(chunkBytes - 5000, data, 0, data.length)).isTrue();
            data[9999] = 0;
            assertThat(m.equalsBytes(chunkBytes - 5000, data, 0, data.length)).isFalse();
        }
    }

    @Test
    void shouldMoveOverlappingRangesAsMemmoveWithinAndAcrossChunks() {
        try (PagedMemory m = new PagedMemory(64L << 20, 4096)) {
            long chunkBytes = 4096L * PagedMemory.PAGES_PER_CHUNK;
            for (long base : new long[] {100, chunkBytes - 50}) {
                byte[] data = new byte[40];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (i + 1);
                }
                m.write(base, data, 0, data.length);
                m.clearDirty();
                m.move(base, base + 10, 40); // up, overlapping
                byte[] back = new byte[40];
                m.read(base + 10, back, 0, 40);
                assertThat(back).isEqualTo(data);
                assertThat(m.isDirty((base + 10) / 4096)).isTrue();
                m.move(base + 10, base, 40); // down, overlapping
                m.read(base, back, 0, 40);
                assertThat(back).isEqualTo(data);
            }
        }
    }

    @Test
    void shouldCompareBytesInPlaceAsArraysCompareUnsigned() {
        try (PagedMemory m = new PagedMemory(64L << 20, 4096)) {
            long chunkBytes = 4096L * PagedMemory.PAGES_PER_CHUNK;
            long at = chunkBytes - 3;
            byte[] stored = {1, 2, (byte) 0xF0, 4, 5};
            m.write(at, stored, 0, stored.length);
            byte[][] others = {{1, 2, (byte) 0xF0, 4, 5}, {1, 2, (byte) 0xF0, 4}, {1, 2, (byte) 0xF0, 4, 5, 6},
                    {1, 2, 0x10, 4, 5}, {1, 2, (byte) 0xF1}, {}, {1, 2, (byte) 0xF0, 4, 6}};
            for (byte[] o : others) {
                assertThat(Integer.signum(m.compareBytes(at, stored.length, o)))
                        .as("vs %s", java.util.Arrays.toString(o))
                        .isEqualTo(Integer.signum(java.util.Arrays.compareUnsigned(stored, o)));
            }
            // A chunk never written reads as zeros.
            assertThat(m.compareBytes(40L << 20, 2, new byte[] {0, 0})).isZero();
            assertThat(m.compareBytes(40L << 20, 2, new byte[] {0, 1})).isNegative();
        }
    }

    @Test
    void shouldTransferPagesWithoutMarkingThemDirtyAtTheReceiver() {
        try (PagedMemory src = new PagedMemory(8L << 20, 4096); PagedMemory dst = new PagedMemory(8L << 20, 4096)) {
            src.putLong(4096 * 7 + 16, 99);
            byte[] page = new byte[4096];
            src.readPage(7, page);
            dst.installPage(7, page);
            assertThat(dst.getLong(4096 * 7 + 16)).isEqualTo(99);
            assertThat(dst.dirtyPageCount()).isZero();
        }
    }

    @Test
    void shouldRefuseAddressesOutsideCapacity() {
        try (PagedMemory m = new PagedMemory(1L << 20, 4096)) {
            assertThatThrownBy(() -> m.putLong(m.capacityBytes() - 4, 1)).isInstanceOf(CaravanException.class);
            assertThatThrownBy(() -> new PagedMemory(1L << 20, 1000)).isInstanceOf(CaravanException.class);
        }
    }

    @Test
    void shouldRefuseEveryOutOfRangeAccessWithInvalidArgumentBeforeTouchingAnything() {
        try (PagedMemory m = new PagedMemory(2L << 20, 4096)) {
            long end = m.capacityBytes();
            long pages = m.pageCapacity();
            byte[] b = new byte[8192];
            assertInvalid(() -> m.write(end - 10, b, 0, 20));
            assertInvalid(() -> m.write(-1, b, 0, 1));
            assertInvalid(() -> m.write(Long.MAX_VALUE - 2, b, 0, 8));
            assertInvalid(() -> m.write(0, b, 8000, 1000));
            assertInvalid(() -> m.read(end - 10, b, 0, 20));
            assertInvalid(() -> m.read(0, b, -1, 1));
            assertInvalid(() -> m.equalsBytes(end - 1, b, 0, 2));
            assertInvalid(() -> m.equalsBytes(0, b, 0, 9000));
            assertInvalid(() -> m.getLong(end - 4));
            assertInvalid(() -> m.putLong(end, 1));
            assertInvalid(() -> m.getInt(-4));
            assertInvalid(() -> m.putInt(end - 2, 1));
            assertInvalid(() -> m.getByte(end));
            assertInvalid(() -> m.putByte(-1, (byte) 1));
            assertInvalid(() -> m.putLong((1L << 20) - 4, 1));
            assertInvalid(() -> m.getLong((1L << 20) - 4));
            assertInvalid(() -> m.pageBuffer(pages));
            assertInvalid(() -> m.pageBuffer(-1));
            assertInvalid(() -> m.pageBuffer(Long.MAX_VALUE));
            assertInvalid(() -> m.readPage(pages, b));
            assertInvalid(() -> m.readPage(0, new byte[100]));
            assertInvalid(() -> m.installPage(pages, b));
            assertInvalid(() -> m.installPage(0, b, 8000));
            assertInvalid(() -> m.installChunk(2, new byte[1 << 20], 0));
            assertInvalid(() -> m.installChunk(-1, new byte[1 << 20], 0));
            assertInvalid(() -> m.installChunk(0, new byte[100], 0));
            assertInvalid(() -> m.deliverPage(pages, b));
            assertInvalid(() -> m.deliverPage(0, b, 8000));
            assertInvalid(() -> m.isDirty(pages));
            assertInvalid(() -> m.isDirty(-1));
            assertInvalid(() -> m.isMissing(pages));
            assertInvalid(() -> m.isAllocated(pages));
            assertThat(m.dirtyPageCount()).isZero();
            assertThat(m.allocatedPages()).isZero();
            m.write(end, b, 0, 0);
            assertThat(m.dirtyPageCount()).isZero();
        }
    }

    @Test
    void shouldFailAccessesAfterClose() {
        PagedMemory m = new PagedMemory(1L << 20, 4096);
        m.putLong(0, 1);
        m.close();
        assertThatThrownBy(() -> m.getLong(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> m.putLong(8, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> m.pageBuffer(0)).isInstanceOf(IllegalStateException.class);
        m.close();
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CaravanException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
}
