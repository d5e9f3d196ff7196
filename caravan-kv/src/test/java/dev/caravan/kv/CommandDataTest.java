package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespReplyReader;
import dev.caravan.wire.resp.RespWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command data ({@code redis-command-info.resp}, {@code redis-command-docs.resp}) is what a
 * real redis-server answers, and the table serves exactly the commands it lists.
 *
 * <p>To regenerate the data after adding a name (to {@link CommandTable#SUPPORTED} or to
 * {@link #DESCRIBED_FOR_OTHERS}): run this test with
 * {@code -Dkv.commands.regenerate=caravan-kv/src/main/resources/dev/caravan/kv} against the
 * redis-server 7.0.15 on PATH; it writes the two files (that run still checks the old copies on
 * the class path: run it again without the property).
 */
class CommandDataTest {
    /** Described in the data for the parts of the process other work adds (sessions, transactions, blocking). */
    static final List<String> DESCRIBED_FOR_OTHERS = List.of(
            "HELLO", "AUTH", "RESET", "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH", "BLPOP", "BRPOP");

    private final KvHarness kv = new KvHarness();

    @AfterEach
    void close() {
        kv.close();
    }

    @Test
    void shouldHoldWhatRedisServerAnswersForEveryDescribedCommand() throws IOException {
        Set<String> names = new LinkedHashSet<>();
        CommandTable.SUPPORTED.stream().filter(n -> !n.contains("|")).forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
        DESCRIBED_FOR_OTHERS.forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
        List<String> info = new ArrayList<>(List.of("COMMAND", "INFO"));
        List<String> docs = new ArrayList<>(List.of("COMMAND", "DOCS"));
        info.addAll(names);
        docs.addAll(names);
        byte[] liveInfo;
        byte[] liveDocs;
        try (RedisServerProcess redis = RedisServerProcess.start(); DiffEndpoint c = new DiffEndpoint.Tcp(redis.port())) {
            c.write(RespCommandWriter.encode(Command.of("HELLO", "3")));
            c.read();
            c.write(RespCommandWriter.encode(Command.of(info.toArray(String[]::new))));
            liveInfo = c.read();
            c.write(RespCommandWriter.encode(Command.of(docs.toArray(String[]::new))));
            liveDocs = c.read();
        }
        String target = System.getProperty("kv.commands.regenerate");
        if (target != null) {
            Files.write(Path.of(target, "redis-command-info.resp"), liveInfo);
            Files.write(Path.of(target, "redis-command-docs.resp"), liveDocs);
        }
        assertThat(normalized(resource("redis-command-info.resp")))
                .as("COMMAND INFO data (regenerate: see the class comment)").isEqualTo(normalized(liveInfo));
        assertThat(normalized(resource("redis-command-docs.resp"))).as("COMMAND DOCS data").isEqualTo(normalized(liveDocs));
    }

    /**
     * The reply with the subcommands of container commands in a fixed order: redis-server lists
     * them in the order of a hash table seeded at random on each start.
     */
    private static String normalized(byte[] reply) throws IOException {
        Reply r = new RespReplyReader(new ByteArrayInputStream(reply)).read();
        return new String(RespWriter.encode(sortSubcommands(r, false)), StandardCharsets.UTF_8);
    }

    private static Reply sortSubcommands(Reply r, boolean isSubcommandList) {
        return switch (r) {
            case Reply.Array a when isSubcommandList -> new Reply.Array(sorted(a.items()));
            case Reply.Array a -> {
                List<Reply> items = new ArrayList<>();
                for (int i = 0; i < a.items().size(); i++) {
                    // a COMMAND INFO entry has 10 fields, the last its subcommands
                    items.add(sortSubcommands(a.items().get(i), a.items().size() == 10 && i == 9));
                }
                yield new Reply.Array(items);
            }
            case Reply.Map m -> {
                List<List<Reply>> pairs = new ArrayList<>();
                for (int i = 0; i < m.keysAndValues().size(); i += 2) {
                    Reply k = m.keysAndValues().get(i);
                    boolean subs = k instanceof Reply.Bulk b && b.text().equals("subcommands");
                    pairs.add(List.of(k, sortSubcommands(m.keysAndValues().get(i + 1), false)));
                    if (subs) {
                        Reply.Map inner = (Reply.Map) pairs.getLast().get(1);
                        List<List<Reply>> entries = new ArrayList<>();
                        for (int j = 0; j < inner.keysAndValues().size(); j += 2) {
                            entries.add(List.of(inner.keysAndValues().get(j), inner.keysAndValues().get(j + 1)));
                        }
                        entries.sort(java.util.Comparator.comparing(e -> ((Reply.Bulk) e.get(0)).text()));
                        List<Reply> flat = new ArrayList<>();
                        entries.forEach(flat::addAll);
                        pairs.set(pairs.size() - 1, List.of(k, new Reply.Map(flat)));
                    }
                }
                List<Reply> flat = new ArrayList<>();
                pairs.forEach(flat::addAll);
                yield new Reply.Map(flat);
            }
            default -> r;
        };
    }

    private static List<Reply> sorted(List<Reply> items) {
        List<Reply> out = new ArrayList<>(items);
        out.sort(java.util.Comparator.comparing(i -> new String(RespWriter.encode(i), StandardCharsets.ISO_8859_1)));
        return out;
    }

    @Test
    void shouldExecuteEverySupportedCommandAndCountOnlyThose() {
        long topLevel = CommandTable.SUPPORTED.stream().filter(n -> !n.contains("|")).count();
        assertThat(kv.integer("COMMAND", "COUNT")).isEqualTo(topLevel).isEqualTo(CommandTable.SPECS.size());
        assertThat(((Reply.Array) kv.run("COMMAND")).items()).hasSize((int) topLevel);
        for (String name : CommandTable.SUPPORTED) {
            String[] parts = name.split("\\|");
            CommandTable.Spec spec = parts.length == 1 ? CommandTable.spec(name) : CommandTable.spec(parts[0]).subcommands().get(parts[1]);
            List<String> args = new ArrayList<>(List.of(parts));
            while (args.size() < Math.abs(spec.arity())) {
                args.add("1");
            }
            if (name.equals("QUIT") || spec.isContainer()) {
                continue; // QUIT is the session layer's; a container runs through its subcommands
            }
            Reply r = kv.run(args.toArray(String[]::new));
            assertThat(r.toString()).as(String.join(" ", args)).doesNotContain("unknown command", "unknown subcommand");
        }
    }

    @Test
    void shouldListSupportedCommandsAndSubcommandsWithFilters() {
        List<String> all = texts(kv.run("COMMAND", "LIST"));
        assertThat(all).contains("get", "zrangestore", "config|get", "command|docs").doesNotContain("bitcount", "config|set");
        assertThat(texts(kv.run("COMMAND", "LIST", "FILTERBY", "PATTERN", "z*store"))).containsExactly("zrangestore");
        assertThat(texts(kv.run("COMMAND", "LIST", "FILTERBY", "ACLCAT", "hash"))).contains("hset", "hscan").doesNotContain("get");
        assertThat(texts(kv.run("COMMAND", "LIST", "FILTERBY", "MODULE", "x"))).isEmpty();
        assertThat(kv.run("CONFIG", "SET", "save", "")).isEqualTo(Reply.error("ERR unknown subcommand 'SET'. Try CONFIG HELP."));
        assertThat(texts(kv.run("CONFIG", "HELP"))).contains("GET <pattern>").doesNotContain("SET <directive> <value>");
    }

    @Test
    void shouldCallOnlyNonWritingCommandsReadOnly() {
        assertThat(kv.kv.isReadOnly(Command.of("GET", "a"))).isTrue();
        assertThat(kv.kv.isReadOnly(Command.of("ZRANGE", "z", "0", "1"))).isTrue();
        assertThat(kv.kv.isReadOnly(Command.of("PING"))).isTrue();
        assertThat(kv.kv.isReadOnly(Command.of("CONFIG", "GET", "save"))).isTrue();
        assertThat(kv.kv.isReadOnly(Command.of("ZRANGESTORE", "d", "z", "0", "1"))).isFalse();
        assertThat(kv.kv.isReadOnly(Command.of("SET", "a", "b"))).isFalse();
        assertThat(kv.kv.isReadOnly(Command.of("CLIENT", "SETNAME", "x"))).isFalse();
        assertThat(kv.kv.isReadOnly(Command.of("SELECT", "0"))).isFalse();
        assertThat(kv.kv.isReadOnly(Command.of("NOSUCH"))).isFalse();
    }

    private static List<String> texts(Reply r) {
        List<String> out = new ArrayList<>();
        ((Reply.Array) r).items().forEach(i -> out.add(i instanceof Reply.Bulk b ? b.text() : ((Reply.Simple) i).text()));
        return out;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = CommandTable.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
