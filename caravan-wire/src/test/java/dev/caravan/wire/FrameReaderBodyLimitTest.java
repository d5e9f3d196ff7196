package dev.caravan.wire;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A per-type body limit: the oversized body is skipped unread and the next frame is read in step. */
class FrameReaderBodyLimitTest {
    @Test
    void shouldRefuseAnOversizedBodyByItsHeaderAndStayInStep() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(bytes);
        w.write(new Frame(Op.NODE_PUT_BUNDLE, 41, new byte[5000]));
        w.write(new Frame(Op.PING, 42, new byte[0]));
        FrameReader r = new FrameReader(new ByteArrayInputStream(bytes.toByteArray()), Frame.DEFAULT_MAX_FRAME_BYTES,
                type -> type == Op.NODE_PUT_BUNDLE ? 4096 : Long.MAX_VALUE);

        FrameRefusedException e = catchThrowableOfType(FrameRefusedException.class, r::read);

        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.requestId()).isEqualTo(41);
        assertThat(e.getMessage()).isEqualTo("NODE_PUT_BUNDLE body of 5000 bytes exceeds this receiver's limit of 4096 bytes;"
                + " it was not read");
        Frame next = r.read();
        assertThat(next.type()).isEqualTo(Op.PING);
        assertThat(next.requestId()).isEqualTo(42);
    }
}
