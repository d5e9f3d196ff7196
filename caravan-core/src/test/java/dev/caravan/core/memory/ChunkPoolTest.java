package dev.caravan.core.memory;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkPoolTest {
    private static final int PAGE = 4096;
    private static final long CHUNK = (long) PAGE * PagedMemory.PAGES_PER_CHUNK;

    /** Moves 1 µs each time it is read, so every acquire takes exactly 1 µs. */
    private static final class SteppingClock implements Clock {
        private final AtomicLong ns = new AtomicLong();

        @Override
        public long nowMs() {
            return ns.get() / 1_000_000;
        }

        @Override
        public long nanoTime() {
            return ns.addAndGet(1_000);
        }
    }

    private static ChunkPool pool(long maxPooledBytes) {
        return new ChunkPool(PAGE, new ChunkPool.Config(maxPooledBytes, 0), new SteppingClock());
    }

    @Test
    void shouldHandAClosedMemorysChunksToTheNextMemoryReadingAsZeros() {
        try (ChunkPool pool = pool(8 * CHUNK)) {
            PagedMemory first = new PagedMemory(4 * CHUNK, PAGE, pool);
            byte[] ones = new byte[(int) CHUNK];
            java.util.Arrays.fill(ones, (byte) 0xFF);
            first.write(0, ones, 0, ones.length);
            first.write(CHUNK, ones, 0, ones.length);
            assertThat(first.allocationStats()).isEqualTo(new AllocationStats(2_000, 2 * CHUNK, 0));
            first.close();
            assertThat(pool.pooledBytes()).isEqualTo(2 * CHUNK);

            try (PagedMemory second = new PagedMemory(4 * CHUNK, PAGE, pool)) {
                second.putByte(100, (byte) 1);
                byte[] back = new byte[(int) CHUNK];
                second.read(0, back, 0, back.length);
                back[100] = 0;
                assertThat(back).containsOnly((byte) 0);
                assertThat(second.allocationStats()).isEqualTo(new AllocationStats(1_000, 0, CHUNK));
                assertThat(pool.pooledBytes()).isEqualTo(CHUNK);
            }
            assertThat(pool.pooledBytes()).isEqualTo(2 * CHUNK);
        }
    }

    @Test
    void shouldFreeWhatIsOverTheCap() {
        try (ChunkPool pool = pool(CHUNK)) {
            try (PagedMemory m = new PagedMemory(4 * CHUNK, PAGE, pool)) {
                m.preallocate(new long[] {0b111});
                assertThat(m.allocatedBytes()).isEqualTo(3 * CHUNK);
            }
            assertThat(pool.pooledBytes()).isEqualTo(CHUNK);
        }
    }

    @Test
    void shouldKeepNothingWithoutAPool() {
        try (PagedMemory m = new PagedMemory(4 * CHUNK, PAGE)) {
            m.putLong(0, 1);
            assertThat(m.allocationStats().freshBytes()).isEqualTo(CHUNK);
        }
    }

    @Test
    void shouldInstallAWholeChunkWithoutZeroingAndWithoutExposingTheOldBytes() throws IOException {
        try (ChunkPool pool = pool(8 * CHUNK)) {
            try (PagedMemory old = new PagedMemory(4 * CHUNK, PAGE, pool)) {
                old.putLong(8, 42);
            }
            try (PagedMemory m = new PagedMemory(4 * CHUNK, PAGE, pool)) {
                m.installChunk(2, b -> {
                    assertThat(m.isAllocated(2L * PagedMemory.PAGES_PER_CHUNK)).isFalse();
                    while (b.hasRemaining()) {
                        b.put((byte) 7);
                    }
                });
                assertThat(m.getByte(2 * CHUNK + 8)).isEqualTo((byte) 7);
                assertThat(m.getByte(3 * CHUNK - 1)).isEqualTo((byte) 7);
                assertThat(m.dirtyPageCount()).isZero();
                assertThat(m.allocationStats().reusedBytes()).isEqualTo(CHUNK);
            }
        }
    }

    @Test
    void shouldCopyAnInstalledChunkIntoOneAllocatedWhileItWasFilled() throws IOException {
        try (ChunkPool pool = pool(8 * CHUNK); PagedMemory m = new PagedMemory(4 * CHUNK, PAGE, pool)) {
            m.installChunk(1, b -> {
                m.preallocate(new long[] {0b10});
                while (b.hasRemaining()) {
                    b.put((byte) 9);
                }
            });
            assertThat(m.getByte(CHUNK)).isEqualTo((byte) 9);
            assertThat(m.getByte(2 * CHUNK - 1)).isEqualTo((byte) 9);
            assertThat(m.allocatedBytes()).isEqualTo(CHUNK);
            assertThat(pool.pooledBytes()).isEqualTo(CHUNK);
        }
    }

    @Test
    void shouldGiveBackAChunkWhoseFillFailed() {
        try (ChunkPool pool = pool(8 * CHUNK); PagedMemory m = new PagedMemory(4 * CHUNK, PAGE, pool)) {
            m.installChunk(0, new byte[(int) CHUNK], 0);
            assertThat(pool.pooledBytes()).isZero();
            assertThatThrownBy(() -> m.installChunk(1, b -> b.put(new byte[10])))
                    .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
            assertThatThrownBy(() -> m.installChunk(1, b -> {
                throw new IOException("connection reset");
            })).isInstanceOf(IOException.class);
            assertThat(m.isAllocated(PagedMemory.PAGES_PER_CHUNK)).isFalse();
            assertThat(m.allocatedBytes()).isEqualTo(CHUNK);
            assertThat(pool.pooledBytes()).isEqualTo(CHUNK);
        }
    }

    @Test
    void shouldPrefaultTheReserveSoTheFirstMemoryFindsWarmChunks() throws Exception {
        try (ChunkPool pool = new ChunkPool(PAGE, ChunkPool.Config.defaults().withPrefault(3 * CHUNK), new SteppingClock())) {
            assertThat(pool.startPrefault().get(30, TimeUnit.SECONDS)).isEqualTo(3 * CHUNK);
            assertThat(pool.pooledBytes()).isEqualTo(3 * CHUNK);
            assertThat(pool.prefaultedBytes()).isEqualTo(3 * CHUNK);
            try (PagedMemory m = new PagedMemory(8 * CHUNK, PAGE, pool)) {
                m.preallocate(new long[] {0b1111});
                assertThat(m.allocationStats()).isEqualTo(new AllocationStats(4_000, CHUNK, 3 * CHUNK));
            }
        }
    }

    @Test
    void shouldNotPrefaultByDefault() throws Exception {
        try (ChunkPool pool = new ChunkPool(PAGE, ChunkPool.Config.defaults(), Clock.system())) {
            assertThat(pool.startPrefault().get(1, TimeUnit.SECONDS)).isZero();
            assertThat(pool.pooledBytes()).isZero();
        }
    }

    @Test
    void shouldRefuseAReserveOverTheCapAndNegativeSizes() {
        assertThatThrownBy(() -> new ChunkPool.Config(CHUNK, 2 * CHUNK)).isInstanceOf(CaravanException.class);
        assertThatThrownBy(() -> new ChunkPool.Config(-1, 0)).isInstanceOf(CaravanException.class);
        assertThat(ChunkPool.Config.defaults().withPrefault(1L << 40).maxPooledBytes()).isEqualTo(1L << 40);
    }

    @Test
    void shouldFreeEverythingOnceClosed() {
        ChunkPool pool = pool(8 * CHUNK);
        PagedMemory m = new PagedMemory(4 * CHUNK, PAGE, pool);
        m.putLong(0, 1);
        pool.close();
        m.close();
        assertThat(pool.pooledBytes()).isZero();
    }

    @Test
    void shouldRefuseAMemoryWhosePageSizeIsNotThePools() {
        try (ChunkPool pool = pool(CHUNK)) {
            assertThatThrownBy(() -> new PagedMemory(CHUNK, 8192, pool)).isInstanceOf(CaravanException.class);
        }
    }
}
