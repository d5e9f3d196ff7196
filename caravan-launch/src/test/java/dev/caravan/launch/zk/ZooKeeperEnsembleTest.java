package dev.caravan.launch.zk;

import dev.caravan.launch.DaemonPlace;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What is refused before any ZooKeeper JVM starts (starting members is covered by the system tests). */
class ZooKeeperEnsembleTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseAnEnsembleWithoutAPlaceOrWithMoreThanNineBeforeStartingAnything() {
        assertThatThrownBy(() -> ZooKeeperEnsemble.start(50, List.of(), dir, List.of()))
                .isInstanceOf(CaravanException.class).hasMessageContaining("1..9 members, got 0")
                .satisfies(e -> assertThat(((CaravanException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> ZooKeeperEnsemble.start(50, List.of(), dir, Collections.nCopies(10, DaemonPlace.LOOPBACK)))
                .isInstanceOf(CaravanException.class).hasMessageContaining("1..9 members, got 10");
        assertThat(dir.resolve("logs")).doesNotExist();
    }
}
