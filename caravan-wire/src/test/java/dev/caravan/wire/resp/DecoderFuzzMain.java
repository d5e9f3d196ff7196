package dev.caravan.wire.resp;

import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.Frame;
import dev.caravan.wire.FrameWriter;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.CommandCodec;
import dev.caravan.wire.command.Reply;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Long-running fuzzer for the wire decoders, for bench runs outside {@code mvn test}:
 * seeded mutations of valid inputs fed to every {@link FuzzTargets} target for the given
 * duration. Exits 1 on a finding (an exception other than CaravanException/EOFException,
 * or an error such as OutOfMemoryError), 2 on a hang (one input running over 10 s).
 *
 * <pre>
 * java -cp caravan-wire/target/classes:caravan-wire/target/test-classes \
 *      dev.caravan.wire.resp.DecoderFuzzMain [duration, e.g. PT10M or 600s] [seed]
 * </pre>
 */
public final class DecoderFuzzMain {
    private DecoderFuzzMain() {
    }

    @FunctionalInterface
    interface Target {
        void run(byte[] input) throws IOException;
    }

    public static void main(String[] args) throws Exception {
        Duration duration = args.length > 0 ? parse(args[0]) : Duration.ofSeconds(60);
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1L;
        long perTargetNs = duration.toNanos() / 4;
        run("resp-requests", FuzzTargets::respRequests, respRequestSeeds(), seed, perTargetNs);
        run("resp-replies", FuzzTargets::respReplies, respReplySeeds(), seed, perTargetNs);
        run("frames", FuzzTargets::frames, frameSeeds(), seed, perTargetNs);
        run("frame-bodies", FuzzTargets::bodies, bodySeeds(), seed, perTargetNs);
        System.out.println("no findings");
    }

    private static Duration parse(String s) {
        return s.startsWith("P") ? Duration.parse(s) : Duration.ofSeconds(Long.parseLong(s.replace("s", "")));
    }

    static long run(String name, Target target, List<byte[]> seeds, long seed, long durationNs) throws InterruptedException {
        Mutator m = new Mutator(seed, seeds);
        AtomicLong done = new AtomicLong();
        byte[][] current = new byte[1][];
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            long last = -1;
            while (true) {
                try {
                    Thread.sleep(10_000);
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
        long end = System.nanoTime() + durationNs;
        while (System.nanoTime() < end) {
            byte[] input = m.next();
            current[0] = input;
            try {
                target.run(input);
            } catch (Throwable t) {
                System.err.println(name + ": FINDING " + t + " on input " + HexFormat.of().formatHex(input));
                t.printStackTrace();
                System.exit(1);
            }
            done.incrementAndGet();
        }
        watchdog.interrupt();
        System.out.println(name + ": " + done.get() + " inputs, no findings");
        return done.get();
    }

    static List<byte[]> respRequestSeeds() {
        return List.of(
                RespCommandWriter.encode(Command.of("SET", "key", "value")),
                RespCommandWriter.encode(Command.of("GET", "key")),
                ascii("PING\r\nSET a \"b \\x41\\n\" 'c\\'d'\r\n\r\n*0\r\n*-1\r\n"),
                ascii("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$5\r\nhello\r\n*1\r\n$4\r\nPING\r\n"));
    }

    static List<byte[]> respReplySeeds() {
        return List.of(
                RespWriter.encode(new Reply.Array(List.of(Reply.OK, Reply.integer(-42), Reply.bulk("x"), Reply.NIL,
                        Reply.NIL_ARRAY, Reply.error("ERR bad"), new Reply.Array(List.of(Reply.bulk("")))))),
                ascii("+PONG\r\n:1\r\n$-1\r\n*-1\r\n"));
    }

    static List<byte[]> bodySeeds() {
        BodyWriter c = new BodyWriter();
        CommandCodec.write(c, Command.of("SET", "k", "v"));
        BodyWriter r = new BodyWriter();
        CommandCodec.write(r, new Reply.Array(List.of(Reply.OK, Reply.integer(7), Reply.bulk("v"), Reply.NIL,
                Reply.NIL_ARRAY, Reply.error("ERR x"), new Reply.Array(List.of()))));
        return List.of(c.toBytes(), r.toBytes());
    }

    static List<byte[]> frameSeeds() {
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
