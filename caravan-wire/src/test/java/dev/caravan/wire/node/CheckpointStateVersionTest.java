package dev.caravan.wire.node;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Checkpoint version 3: the header says the state version, so a restore can be refused before its pages go. */
class CheckpointStateVersionTest {
    private static final ProcessSpec SPEC = new ProcessSpec("ledger", "", "ab".repeat(32), "demo.Ledger", 1 << 20, Map.of());

    private static byte[] file(OptionalInt headerVersion, int stateVersion) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CheckpointFormat.Writer w = new CheckpointFormat.Writer(bytes,
                new CheckpointFormat.Header(SPEC, "id-1", 3, 4096, headerVersion))) {
            w.page(0, new byte[4096]);
            w.state(stateVersion, new byte[] {1, 2});
            w.recentReplies(List.of());
            w.finish();
        }
        return bytes.toByteArray();
    }

    private static final class Seen implements CheckpointFormat.Visitor {
        CheckpointFormat.Header header;
        int stateVersion = -1;

        @Override
        public void onHeader(CheckpointFormat.Header h) {
            header = h;
        }

        @Override
        public void onPage(long page, byte[] content) {
        }

        @Override
        public void onState(int version, byte[] state) {
            stateVersion = version;
        }
    }

    private static Seen read(byte[] file) throws IOException {
        Seen seen = new Seen();
        CheckpointFormat.read(new ByteArrayInputStream(file), seen);
        return seen;
    }

    @Test
    void shouldSayTheStateVersionInTheHeaderOfAVersionThreeFile() throws Exception {
        byte[] f = file(OptionalInt.of(2), 2);

        assertThat(f[8] << 8 | f[9]).as("file version").isEqualTo(3);
        Seen seen = read(f);
        assertThat(seen.header.stateVersion()).hasValue(2);
        assertThat(seen.stateVersion).isEqualTo(2);
    }

    @Test
    void shouldWriteAndReadVersionTwoWhenTheHeaderDoesNotSay() throws Exception {
        byte[] f = file(OptionalInt.empty(), 5);

        assertThat(f[8] << 8 | f[9]).isEqualTo(2);
        Seen seen = read(f);
        assertThat(seen.header.stateVersion()).isEmpty();
        assertThat(seen.stateVersion).isEqualTo(5);
    }

    @Test
    void shouldRefuseAStateRecordWhoseVersionIsNotTheHeaders() {
        CaravanException e = catchThrowableOfType(CaravanException.class, () -> read(file(OptionalInt.of(2), 3)));

        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
        assertThat(e.getMessage()).contains("header says state version 2").contains("version 3");
    }

    @Test
    void shouldRefuseAFileOfALaterVersion() throws Exception {
        byte[] f = file(OptionalInt.of(1), 1);
        f[9] = 4;

        CaravanException e = catchThrowableOfType(CaravanException.class, () -> read(f));

        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
    }
}
