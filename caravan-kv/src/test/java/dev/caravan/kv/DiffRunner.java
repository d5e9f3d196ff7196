package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespReplyReader;
import dev.caravan.wire.resp.RespWriter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Runs {@link DiffScript} sequences against redis-server and the kv process and collects every
 * reply that differs. Each sequence gets fresh connections and starts with FLUSHALL on both.
 */
final class DiffRunner {
    private static final byte[] FLUSHALL = RespCommandWriter.encode(Command.of("FLUSHALL"));

    private final int redisPort;
    private final int kvPort;
    private final KvProcess direct;
    private final boolean kvServesHello;
    private final boolean frontAnswersProtocolErrors;
    private final boolean kvServesSessions;
    private int overSocket;
    private int overDirect;
    private int skipped;
    private int replies;

    DiffRunner(int redisPort, int kvPort, KvProcess direct, boolean kvServesHello, boolean frontAnswersProtocolErrors,
               boolean kvServesSessions) {
        this.redisPort = redisPort;
        this.kvPort = kvPort;
        this.direct = direct;
        this.kvServesHello = kvServesHello;
        this.frontAnswersProtocolErrors = frontAnswersProtocolErrors;
        this.kvServesSessions = kvServesSessions;
    }

    String summary() {
        return overSocket + " sequences over the socket, " + overDirect + " calling the process directly, "
                + skipped + " skipped, " + replies + " replies compared";
    }

    void run(DiffScript.Sequence s, List<String> mismatches) throws IOException {
        if (s.tagged("sessions") && !kvServesSessions) {
            skipped++;
            return;
        }
        boolean directly = (s.tagged("resp3") && !kvServesHello)
                || (s.tagged("protocol-errors") && !frontAnswersProtocolErrors);
        if (directly) {
            overDirect++;
        } else {
            overSocket++;
        }
        try (DiffEndpoint redis = new DiffEndpoint.Tcp(redisPort);
             DiffEndpoint kv = directly ? new DiffEndpoint.Direct(direct, !kvServesHello) : new DiffEndpoint.Tcp(kvPort)) {
            redis.write(FLUSHALL);
            kv.write(FLUSHALL);
            redis.read();
            kv.read();
            for (DiffScript.Step step : s.steps()) {
                for (byte[] chunk : step.chunks()) {
                    redis.write(chunk);
                    kv.write(chunk);
                }
                if (!step(s, step, redis, kv, mismatches)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            mismatches.add(s.where() + ": " + e);
        }
    }

    /** Compares the step's replies; false when the sequence cannot go on. */
    private boolean step(DiffScript.Sequence s, DiffScript.Step step, DiffEndpoint redis, DiffEndpoint kv,
                         List<String> mismatches) throws IOException {
        if (step.untilClose()) {
            List<byte[]> want = drain(redis);
            List<byte[]> got = drain(kv);
            replies += want.size();
            if (want.size() != got.size() || !sameBytes(want, got)) {
                mismatches.add(s.where() + " line " + step.line() + " (replies until close)\n    redis: " + show(want)
                        + "\n    kv:    " + show(got));
            }
            return false;
        }
        for (DiffScript.Expect e : step.expects()) {
            byte[] want = redis.read();
            byte[] got = kv.read();
            replies++;
            if (got != null && Arrays.equals(got, DiffEndpoint.HELLO_NOT_COMPARED)) {
                continue;
            }
            if (want == null || got == null) {
                if (want != got) {
                    mismatches.add(s.where() + " line " + step.line() + ": " + e.text() + "\n    redis: "
                            + (want == null ? "(closed)" : show(want)) + "\n    kv:    " + (got == null ? "(closed)" : show(got)));
                    return false;
                }
                continue;
            }
            if (!Arrays.equals(canonical(want, e.mode()), canonical(got, e.mode()))) {
                mismatches.add(s.where() + " line " + step.line() + ": " + e.text() + "\n    redis: " + show(want)
                        + "\n    kv:    " + show(got));
            }
        }
        return true;
    }

    private static List<byte[]> drain(DiffEndpoint e) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (byte[] r = e.read(); r != null; r = e.read()) {
            out.add(r);
        }
        return out;
    }

    private static boolean sameBytes(List<byte[]> a, List<byte[]> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The bytes to compare under {@code mode}: the reply itself, or its canonical re-encoding. */
    static byte[] canonical(byte[] reply, DiffScript.Mode mode) throws IOException {
        if (mode == DiffScript.Mode.EXACT) {
            return reply;
        }
        Reply r = new RespReplyReader(new ByteArrayInputStream(reply)).read();
        return RespWriter.encode(switch (mode) {
            case UNORDERED -> sorted(r, false);
            case PAIRS -> sorted(r, true);
            default -> shape(r);
        });
    }

    /** Aggregates sorted by their items' encodings, deeply; maps (and flat arrays if {@code pairs}) by pairs. */
    private static Reply sorted(Reply r, boolean pairs) {
        return switch (r) {
            case Reply.Array a -> new Reply.Array(pairs ? sortPairs(a.items()) : sort(a.items(), pairs));
            case Reply.Set s -> new Reply.Set(sort(s.items(), pairs));
            case Reply.Map m -> new Reply.Map(sortPairs(m.keysAndValues()));
            default -> r;
        };
    }

    private static List<Reply> sort(List<Reply> items, boolean pairs) {
        List<Reply> out = new ArrayList<>();
        items.forEach(i -> out.add(sorted(i, pairs)));
        out.sort(Comparator.comparing(DiffRunner::key));
        return out;
    }

    private static List<Reply> sortPairs(List<Reply> kv) {
        List<List<Reply>> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < kv.size(); i += 2) {
            pairs.add(List.of(kv.get(i), kv.get(i + 1)));
        }
        pairs.sort(Comparator.comparing(p -> key(p.get(0)) + key(p.get(1))));
        List<Reply> out = new ArrayList<>();
        pairs.forEach(out::addAll);
        if (kv.size() % 2 != 0) {
            out.add(kv.get(kv.size() - 1));
        }
        return out;
    }

    private static String key(Reply r) {
        return new String(RespWriter.encode(r), StandardCharsets.ISO_8859_1);
    }

    /** Kinds and lengths only: strings and numbers blanked (errors kept whole). */
    private static Reply shape(Reply r) {
        return switch (r) {
            case Reply.Bulk b -> new Reply.Bulk(new byte[0]);
            case Reply.Simple s -> new Reply.Simple("");
            case Reply.Int i -> Reply.integer(0);
            case Reply.Double d -> new Reply.Double("0");
            case Reply.Verbatim v -> new Reply.Verbatim(v.format(), new byte[0]);
            case Reply.Array a -> new Reply.Array(a.items().stream().map(DiffRunner::shape).toList());
            case Reply.Set s -> new Reply.Set(s.items().stream().map(DiffRunner::shape).toList());
            case Reply.Map m -> new Reply.Map(m.keysAndValues().stream().map(DiffRunner::shape).toList());
            default -> r;
        };
    }

    private static String show(List<byte[]> replies) {
        StringBuilder b = new StringBuilder();
        replies.forEach(r -> b.append(show(r)).append(" | "));
        return b.toString();
    }

    static String show(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < b.length && s.length() < 400; i++) {
            int c = b[i] & 0xFF;
            if (c == '\r' && i + 1 < b.length && b[i + 1] == '\n') {
                s.append("⏎");
                i++;
            } else if (c >= 32 && c < 127) {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.length() >= 400 ? s + "…" : s.toString();
    }
}
