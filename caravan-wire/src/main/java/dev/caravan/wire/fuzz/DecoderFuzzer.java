package dev.caravan.wire.fuzz;

import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.Frame;
import dev.caravan.wire.FrameWriter;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.CommandCodec;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Seeded, structure-aware mutation fuzzing of every wire decoder ({@link FuzzTargets}): what
 * {@code caravan bench fuzz} runs for minutes, and the test suite for half a second per target
 * (Jazzer's coverage-guided engine also runs briefly in the tests). A finding is any failure
 * other than the decoders' own {@code CaravanException}/{@code EOFException}.
 *
 * <p>A hang cannot be stopped from inside the JVM: when one input runs for longer than
 * {@code hangMs}, the watchdog prints it and halts the JVM with exit code 2.
 */
public final class DecoderFuzzer {
    private DecoderFuzzer() {
    }

    /** One decoder under fuzz. */
    @FunctionalInterface
    public interface Target {
        void run(byte[] input) throws IOException;
    }

    /** What one target's run found: {@code finding} is null when nothing was found. */
    public record Outcome(String target, long inputs, String finding, String inputHex) {
    }

    /** The four decoders, by name, with their seed inputs. */
    public static List<Outcome> runAll(long seed, long perTargetNs, LongSupplier nanoClock, long hangMs,
                                       Consumer<String> progress) throws InterruptedException {
        List<Outcome> out = new java.util.ArrayList<>();
        out.add(run("resp-requests", FuzzTargets::respRequests, respRequestSeeds(), seed, perTargetNs, nanoClock, hangMs));
        progress.accept(describe(out.getLast()));
        out.add(run("resp-replies", FuzzTargets::respReplies, respReplySeeds(), seed, perTargetNs, nanoClock, hangMs));
        progress.accept(describe(out.getLast()));
        out.add(run("frames", FuzzTargets::frames, frameSeeds(), seed, perTargetNs, nanoClock, hangMs));
        progress.accept(describe(out.getLast()));
        out.add(run("frame-bodies", FuzzTargets::bodies, bodySeeds(), seed, perTargetNs, nanoClock, hangMs));
        progress.accept(describe(out.getLast()));
        return out;
    }

    private static String describe(Outcome o) {
        return o.target() + ": " + o.inputs() + " inputs, " + (o.finding() == null ? "no findings"
                : "FINDING " + o.finding() + " on input " + o.inputHex());
    }

    /** Fuzzes one target until {@code durationNs} has passed or a finding stops it. */
    public static Outcome run(String name, Target target, List<byte[]> seeds, long seed, long durationNs,
                              LongSupplier nanoClock, long hangMs) throws InterruptedException {
        Mutator m = new Mutator(seed, seeds);
        AtomicLong done = new AtomicLong();
        byte[][] current = new byte[1][];
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            long last = -1;
            while (true) {
                try {
                    Thread.sleep(hangMs);
                } catch (InterruptedException e) {
                    return;
                }
                long now = done.get();
                if (now == last) {
                    System.err.println(name + ": HANG on input " + HexFormat.of().formatHex(current[0]));
                    Runtime.getRuntime().halt(2);
                }
                last = now;
            }
        });
        try {
            long end = nanoClock.getAsLong() + durationNs;
            while (nanoClock.getAsLong() < end) {
                byte[] input = m.next();
                current[0] = input;
                try {
                    target.run(input);
                } catch (Throwable t) {
                    return new Outcome(name, done.get(), t.toString(), HexFormat.of().formatHex(input));
                }
                done.incrementAndGet();
            }
            return new Outcome(name, done.get(), null, null);
        } finally {
            watchdog.interrupt();
            watchdog.join();
        }
    }

    public static List<byte[]> respRequestSeeds() {
        return List.of(
                RespCommandWriter.encode(Command.of("SET", "key", "value")),
                RespCommandWriter.encode(Command.of("GET", "key")),
                ascii("PING\r\nSET a \"b \\x41\\n\" 'c\\'d'\r\n\r\n*0\r\n*-1\r\n"),
                ascii("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$5\r\nhello\r\n*1\r\n$4\r\nPING\r\n"));
    }

    public static List<byte[]> respReplySeeds() {
        return List.of(
                RespWriter.encode(new Reply.Array(List.of(Reply.OK, Reply.integer(-42), Reply.bulk("x"), Reply.NIL,
                        Reply.NIL_ARRAY, Reply.error("ERR bad"), new Reply.Array(List.of(Reply.bulk("")))))),
                ascii("+PONG\r\n:1\r\n$-1\r\n*-1\r\n"));
    }

    public static List<byte[]> bodySeeds() {
        BodyWriter c = new BodyWriter();
        CommandCodec.write(c, Command.of("SET", "k", "v"));
        BodyWriter r = new BodyWriter();
        CommandCodec.write(r, new Reply.Array(List.of(Reply.OK, Reply.integer(7), Reply.bulk("v"), Reply.NIL,
                Reply.NIL_ARRAY, Reply.error("ERR x"), new Reply.Array(List.of()))));
        return List.of(c.toBytes(), r.toBytes());
    }

    public static List<byte[]> frameSeeds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            FrameWriter w = new FrameWriter(out);
            for (byte[] body : bodySeeds()) {
                w.write(new Frame(1, 7, body));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return List.of(out.toByteArray());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
