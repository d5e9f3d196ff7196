package dev.caravan.cli.commands;

import dev.caravan.core.memory.ChunkPool;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeCommandTest {
    @Test
    void shouldNotPrefaultUnlessAsked() {
        assertThat(NodeCommand.chunkPoolConfig(null, null)).isEqualTo(ChunkPool.Config.defaults());
    }

    @Test
    void shouldRaiseTheDefaultCapToHoldTheReserve() {
        assertThat(NodeCommand.chunkPoolConfig("2g", null)).isEqualTo(new ChunkPool.Config(2L << 30, 2L << 30));
        assertThat(NodeCommand.chunkPoolConfig("64m", null))
                .isEqualTo(new ChunkPool.Config(ChunkPool.DEFAULT_MAX_POOLED_BYTES, 64L << 20));
        assertThat(NodeCommand.chunkPoolConfig("512m", "1g")).isEqualTo(new ChunkPool.Config(1L << 30, 512L << 20));
    }

    @Test
    void shouldRefuseBadSizesNamingTheOption() {
        assertThatThrownBy(() -> NodeCommand.chunkPoolConfig("lots", null))
                .isInstanceOfSatisfying(CaravanException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith("--prefault-reserve: ");
                });
        assertThatThrownBy(() -> NodeCommand.chunkPoolConfig("2g", "1g")).isInstanceOf(CaravanException.class);
        assertThatThrownBy(() -> NodeCommand.chunkPoolConfig(null, "-1")).isInstanceOf(CaravanException.class);
    }
}
