package dev.caravan.core.memory;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostCopyPagesTest {
    private static byte[] page(int fill) {
        byte[] b = new byte[4096];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }

    @Test
    void shouldFetchAMissingPageOnFirstAccessAndOnlyThatPage() {
        try (PagedMemory source = new PagedMemory(8L << 20, 4096); PagedMemory dest = new PagedMemory(8L << 20, 4096)) {
            for (int p = 0; p < 300; p++) {
                source.putLong((long) p * 4096, p + 1000);
            }
            List<Long> fetched = new ArrayList<>();
            dest.expectPages(source.allocatedPageBitmap(), p -> {
                fetched.add(p);
                byte[] b = new byte[4096];
                source.readPage(p, b);
                return b;
            });
            assertThat(dest.missingPageCount()).isEqualTo(512);
            assertThat(dest.getLong(7L * 4096)).isEqualTo(1007);
            assertThat(fetched).containsExactly(7L);
            assertThat(dest.getLong(7L * 4096)).isEqualTo(1007);
            assertThat(fetched).hasSize(1);
            assertThat(dest.missingPageCount()).isEqualTo(511);
        }
    }

    @Test
    void shouldInstallEachPageOnceWhetherPushedOrFaulted() throws Exception {
        try (PagedMemory dest = new PagedMemory(8L << 20, 4096)) {
            long[] bits = new long[64];
            bits[0] = 0xFFL;
            AtomicInteger fetches = new AtomicInteger();
            dest.expectPages(bits, p -> {
                fetches.incrementAndGet();
                return page(9);
            });
            assertThat(dest.deliverPage(1, page(1))).isTrue();
            assertThat(dest.deliverPage(1, page(2))).isFalse();
            assertThat(dest.getByte(4096)).isEqualTo((byte) 1);
            assertThat(fetches).hasValue(0);
            Thread pusher = Thread.ofPlatform().start(() -> {
                for (int p = 0; p < 8; p++) {
                    dest.deliverPage(p, page(p + 1));
                }
            });
            for (int p = 0; p < 8; p++) {
                byte v = dest.getByte((long) p * 4096 + 5);
                byte pushed = (byte) (p == 1 ? 1 : p + 1);
                assertThat(v).as("page %d", p).isIn(pushed, (byte) 9);
            }
            pusher.join();
            assertThat(dest.missingPageCount()).isZero();
            assertThat(fetches.get()).isLessThanOrEqualTo(7);
        }
    }

    @Test
    void shouldSurfaceALostPageAsAnError() {
        try (PagedMemory dest = new PagedMemory(8L << 20, 4096)) {
            long[] bits = new long[64];
            bits[0] = 1;
            dest.expectPages(bits, p -> {
                throw ErrorCode.PROCESS_FAILED.exception("source is gone");
            });
            assertThatThrownBy(() -> dest.getLong(0)).isInstanceOf(CaravanException.class).hasMessageContaining("source is gone");
            assertThat(dest.isMissing(0)).isTrue();
        }
    }
}
