package dev.caravan.mobility.continuation;

import dev.caravan.core.mobility.MoveResult;
import dev.caravan.core.mobility.Request;
import dev.caravan.core.process.ClientRef;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class ContinuationFormatTest {
    private enum Mode { FAST, SLOW }

    private record Pair(String name, Mode mode, MoveResult last) {
    }

    private final Object process = new Object();
    private final Object context = new Object();
    private final ValueCodec values = new ValueCodec(new DeclaredCodecs(), getClass().getClassLoader(), process, context);

    private byte[] sample() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("greeting", "hi");
        fields.put("count", 3);
        Object[] objects = {"trail", new byte[] {1, 2}, 7L, 'c', (short) 5, (byte) 9, true, 1.5f, 2.5d, null,
                new Request(4, new ClientRef(12, "a:1", "b:2"), Command.of("ADD", "5")),
                new Pair("p", Mode.SLOW, new MoveResult(true, "n2", "")), process};
        Object[] references = {context, process};
        StackImage stack = new StackImage(new long[] {1, 2, 3, 4, 5}, 1, 1, 1, 2, objects, references);
        BodyWriter out = new BodyWriter();
        ContinuationFormat.write(new ContinuationFormat.Image("cafe", 2, 9, new Suspension.Clone("n3", "copy"), fields, stack),
                values, out);
        return out.toBytes();
    }

    @Test
    void shouldReadBackEveryCarriedValueAndTheHeader() {
        ContinuationFormat.Image image = ContinuationFormat.read(new BodyReader(sample()), values);
        assertThat(image.bundleHash()).isEqualTo("cafe");
        assertThat(image.stateVersion()).isEqualTo(2);
        assertThat(image.nextRequestId()).isEqualTo(9);
        assertThat(image.suspension()).isEqualTo(new Suspension.Clone("n3", "copy"));
        assertThat(image.fields()).containsExactly(Map.entry("greeting", "hi"), Map.entry("count", 3));
        assertThat(image.stack().primitives()).containsExactly(1, 2, 3, 4, 5);
        assertThat(image.stack().ints()).isEqualTo(2);
        Object[] o = image.stack().objects();
        assertThat(o[0]).isEqualTo("trail");
        assertThat((byte[]) o[1]).containsExactly(1, 2);
        assertThat(java.util.Arrays.asList(o).subList(2, 10)).containsExactly(7L, 'c', (short) 5, (byte) 9, true, 1.5f, 2.5d, null);
        Request r = (Request) o[10];
        assertThat(r.id()).isEqualTo(4);
        assertThat(r.client()).isEqualTo(new ClientRef(12, "a:1", "b:2"));
        assertThat(r.command()).isEqualTo(Command.of("ADD", "5"));
        assertThat(o[11]).isEqualTo(new Pair("p", Mode.SLOW, new MoveResult(true, "n2", "")));
        assertThat(o[12]).isSameAs(process);
        assertThat(image.stack().references()).containsExactly(context, process);
    }

    @Test
    void shouldRefuseEveryTruncationAsMalformed() {
        byte[] full = sample();
        for (int n = 0; n < full.length; n++) {
            BodyReader in = new BodyReader(java.util.Arrays.copyOf(full, n));
            Throwable t = catchThrowable(() -> ContinuationFormat.read(in, values));
            assertThat(t).as("truncated to %d of %d bytes", n, full.length).isInstanceOf(CaravanException.class);
            assertThat(((CaravanException) t).code()).as("truncated to %d", n).isEqualTo(ErrorCode.MALFORMED);
        }
    }

    @Test
    void shouldRefuseGarbageWithACaravanErrorNeverAnotherException() {
        Random random = new Random(13);
        byte[] full = sample();
        for (int i = 0; i < 2000; i++) {
            byte[] bad = full.clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                bad[2 + random.nextInt(bad.length - 2)] = (byte) random.nextInt(256);
            }
            Throwable t = catchThrowable(() -> ContinuationFormat.read(new BodyReader(bad), values));
            if (t != null) {
                assertThat(t).as("garbage %d", i).isInstanceOf(CaravanException.class);
            }
        }
        byte[] huge = new BodyWriter().u16(1).string("").i32(1).i64(1).u8(1).i32(0).i32(ContinuationFormat.MAX_SLOTS + 1).toBytes();
        assertThatThrownBy(() -> ContinuationFormat.read(new BodyReader(huge), values)).hasMessageContaining("outside 0..");
    }

    @Test
    void shouldCarryTheLoopCodeHashAndReadAVersionOneContinuationWithoutIt() {
        BodyWriter out = new BodyWriter();
        ContinuationFormat.write(new ContinuationFormat.Image("cafe", "beef01", 3, 5, Suspension.RECEIVE, Map.of(),
                new StackImage(new long[0], 0, 0, 0, 0, new Object[0], new Object[0])), values, out);
        assertThat(ContinuationFormat.read(new BodyReader(out.toBytes()), values).codeHash()).isEqualTo("beef01");

        byte[] v2 = sample();
        // Version 1: the same stream without the code hash (an empty string: its i32 length, after u16 + "cafe").
        byte[] v1 = new byte[v2.length - 4];
        System.arraycopy(v2, 0, v1, 0, 10);
        System.arraycopy(v2, 14, v1, 10, v2.length - 14);
        v1[1] = 1;
        ContinuationFormat.Image image = ContinuationFormat.read(new BodyReader(v1), values);
        assertThat(image.bundleHash()).isEqualTo("cafe");
        assertThat(image.codeHash()).isEmpty();
        assertThat(image.stateVersion()).isEqualTo(2);
        assertThat(image.suspension()).isEqualTo(new Suspension.Clone("n3", "copy"));
    }

    @Test
    void shouldRefuseAnotherFormatVersion() {
        byte[] b = sample();
        b[1] = 3;
        assertThatThrownBy(() -> ContinuationFormat.read(new BodyReader(b), values))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION));
    }

    @Test
    void shouldRefuseToWriteAValueWithoutACodecNamingItsType() {
        assertThatThrownBy(() -> values.write(new java.util.ArrayList<String>().iterator(), new BodyWriter()))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CODE_REFUSED))
                .hasMessageStartingWith("a java.util.ArrayList$Itr is live at a suspension point and has no codec");
    }
}
