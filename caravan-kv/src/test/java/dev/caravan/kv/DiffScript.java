package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.resp.RespCommandWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The differential suite's script format: text files of command sequences, each run against a
 * real redis-server and the kv process over fresh connections, every reply compared.
 *
 * <pre>
 * # comment (a whole line)
 * === title [tag] [tag]          starts a sequence; the first step of each is FLUSHALL (not compared)
 * SET k "a b" ""                 one command: blanks split arguments; "…" quotes, with \" \\ \r \n \t \0 \xHH
 * ~SMEMBERS s                    order unspecified: aggregates compared sorted (a map by its pairs)
 * ~~HGETALL h                    as ~, but a flat array is sorted as pairs (RESP2 maps, WITHSCORES)
 * ?SRANDMEMBER s -3              only the reply's shape: kinds and lengths, not the strings (errors exact)
 * +SET a 1                       pipelined: buffered, and sent in one write with the next command line
 * &lt;&lt; 2 "*1\r\n$4\r\nPING\r\n" "…"  raw bytes, each quoted chunk written and flushed on its own; then 2 replies
 * &lt;&lt; close "…" {rep:x:70000}      raw bytes; then replies until the server closes the connection
 * </pre>
 *
 * <p>Argument generators (a whole unquoted token): {@code {rep:TEXT:N}} is TEXT repeated N
 * times as one argument; {@code {seq:A#,B#:N}} is N groups of arguments, {@code #} replaced by
 * 0…N-1, commas separating the arguments of a group.
 *
 * <p>Tags: {@code [resp3]} marks a sequence that starts with {@code HELLO 3};
 * {@code [protocol-errors]} one whose raw input must be answered with a protocol error and a
 * close. Both are easy to grep for; the runner decides where they run.
 */
final class DiffScript {
    /** How a reply is compared. */
    enum Mode { EXACT, UNORDERED, PAIRS, SHAPE }

    /** One reply to read and compare; {@code text} is the line it comes from. */
    record Expect(Mode mode, String text, boolean hello) {
    }

    /** Bytes to write (each chunk flushed on its own), then replies to compare, or read until close. */
    record Step(List<byte[]> chunks, List<Expect> expects, boolean untilClose, int line) {
    }

    record Sequence(String file, int line, String title, List<String> tags, List<Step> steps) {
        boolean tagged(String tag) {
            return tags.contains(tag);
        }

        String where() {
            return file + ":" + line + " (" + title + ")";
        }
    }

    private static final Pattern TAG = Pattern.compile("\\[([a-z0-9-]+)]");
    private static final Pattern REP = Pattern.compile("\\{rep:(.*):(\\d+)}");
    private static final Pattern SEQ = Pattern.compile("\\{seq:(.*):(\\d+)}");

    private DiffScript() {
    }

    static List<Sequence> load(String... resources) {
        List<Sequence> all = new ArrayList<>();
        for (String r : resources) {
            try (InputStream in = DiffScript.class.getResourceAsStream(r)) {
                if (in == null) {
                    throw new IllegalStateException("no test resource " + r);
                }
                all.addAll(parse(r, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    static List<Sequence> parse(String file, String text) {
        List<Sequence> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        String title = null;
        int start = 0;
        List<String> tags = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        ByteArrayOutputStream pipelined = new ByteArrayOutputStream();
        List<Expect> pending = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            int lineNo = i + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                if (line.startsWith("===")) {
                    if (title != null) {
                        out.add(finish(file, start, title, tags, steps, pending, lineNo));
                    }
                    title = line.substring(3).strip();
                    start = lineNo;
                    tags = new ArrayList<>();
                    Matcher m = TAG.matcher(title);
                    while (m.find()) {
                        tags.add(m.group(1));
                    }
                    steps = new ArrayList<>();
                    continue;
                }
                if (title == null) {
                    throw new IllegalArgumentException("a step before the first '=== title' line");
                }
                if (line.startsWith("<<")) {
                    if (!pending.isEmpty()) {
                        throw new IllegalArgumentException("pipelined '+' lines must end with a command line");
                    }
                    steps.add(raw(line.substring(2).strip(), lineNo));
                    continue;
                }
                boolean pipe = line.startsWith("+");
                String rest = pipe ? line.substring(1) : line;
                Mode mode = Mode.EXACT;
                if (rest.startsWith("~~")) {
                    mode = Mode.PAIRS;
                    rest = rest.substring(2);
                } else if (rest.startsWith("~")) {
                    mode = Mode.UNORDERED;
                    rest = rest.substring(1);
                } else if (rest.startsWith("?")) {
                    mode = Mode.SHAPE;
                    rest = rest.substring(1);
                }
                List<byte[]> args = arguments(rest);
                Command c = new Command(args.toArray(byte[][]::new));
                pipelined.writeBytes(RespCommandWriter.encode(c));
                pending.add(new Expect(mode, line, c.name().equals("HELLO")));
                if (!pipe) {
                    steps.add(new Step(List.of(pipelined.toByteArray()), List.copyOf(pending), false, lineNo));
                    pipelined.reset();
                    pending.clear();
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage() + ": " + line, e);
            }
        }
        if (title != null) {
            out.add(finish(file, start, title, tags, steps, pending, lines.length));
        }
        return out;
    }

    private static Sequence finish(String file, int start, String title, List<String> tags, List<Step> steps,
                                   List<Expect> pending, int lineNo) {
        if (!pending.isEmpty()) {
            throw new IllegalArgumentException(file + ":" + lineNo + ": pipelined '+' lines must end with a command line");
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException(file + ":" + start + ": sequence '" + title + "' has no steps");
        }
        return new Sequence(file, start, title, List.copyOf(tags), List.copyOf(steps));
    }

    /** {@code N "chunk" "chunk"…} or {@code close "chunk"…}. */
    private static Step raw(String spec, int lineNo) {
        int sp = spec.indexOf(' ');
        String count = spec.substring(0, sp);
        List<byte[]> chunks = new ArrayList<>();
        int[] at = {sp};
        while (true) {
            while (at[0] < spec.length() && spec.charAt(at[0]) == ' ') {
                at[0]++;
            }
            if (at[0] == spec.length()) {
                break;
            }
            if (spec.charAt(at[0]) == '"') {
                chunks.add(quoted(spec, at));
                continue;
            }
            int end = spec.indexOf(' ', at[0]);
            end = end < 0 ? spec.length() : end;
            Matcher rep = REP.matcher(spec.substring(at[0], end));
            if (!rep.matches()) {
                throw new IllegalArgumentException("a raw chunk is \"quoted\" or {rep:TEXT:N}");
            }
            chunks.add(rep.group(1).repeat(Integer.parseInt(rep.group(2))).getBytes(StandardCharsets.UTF_8));
            at[0] = end;
        }
        boolean close = count.equals("close");
        int n = close ? 0 : Integer.parseInt(count);
        List<Expect> expects = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expects.add(new Expect(Mode.EXACT, "<< reply " + (i + 1) + " of " + n, false));
        }
        return new Step(chunks, expects, close, lineNo);
    }

    /** The arguments of a command line. */
    static List<byte[]> arguments(String line) {
        List<byte[]> out = new ArrayList<>();
        int[] at = {0};
        while (at[0] < line.length()) {
            char ch = line.charAt(at[0]);
            if (ch == ' ') {
                at[0]++;
            } else if (ch == '"') {
                out.add(quoted(line, at));
            } else {
                int end = line.indexOf(' ', at[0]);
                end = end < 0 ? line.length() : end;
                expand(line.substring(at[0], end), out);
                at[0] = end;
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no command");
        }
        return out;
    }

    private static void expand(String token, List<byte[]> out) {
        Matcher rep = REP.matcher(token);
        Matcher seq = SEQ.matcher(token);
        if (rep.matches()) {
            out.add(rep.group(1).repeat(Integer.parseInt(rep.group(2))).getBytes(StandardCharsets.UTF_8));
        } else if (seq.matches()) {
            String[] group = seq.group(1).split(",");
            int n = Integer.parseInt(seq.group(2));
            for (int i = 0; i < n; i++) {
                for (String g : group) {
                    out.add(g.replace("#", Integer.toString(i)).getBytes(StandardCharsets.UTF_8));
                }
            }
        } else {
            out.add(token.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A "…" string starting at {@code at[0]}; advances past its closing quote. */
    private static byte[] quoted(String s, int[] at) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int i = at[0] + 1;
        while (true) {
            if (i >= s.length()) {
                throw new IllegalArgumentException("unclosed quote");
            }
            char ch = s.charAt(i);
            if (ch == '"') {
                break;
            }
            if (ch == '\\') {
                char e = s.charAt(++i);
                switch (e) {
                    case 'r' -> b.write('\r');
                    case 'n' -> b.write('\n');
                    case 't' -> b.write('\t');
                    case '0' -> b.write(0);
                    case 'x' -> {
                        b.write(Integer.parseInt(s.substring(i + 1, i + 3).toLowerCase(Locale.ROOT), 16));
                        i += 2;
                    }
                    default -> b.write(e);
                }
                i++;
            } else {
                int cp = s.codePointAt(i);
                b.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        at[0] = i + 1;
        return b.toByteArray();
    }
}
