package dev.caravan.cli.commands.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.cli.ClusterOptions;
import dev.caravan.client.CaravanClient;
import dev.caravan.observe.Event;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * {@code caravan events}: the events of naming, every node and every switch, merged in time order (each daemon
 * keeps its last events in a ring; see docs/operating.md, "Events"). With {@code --watch}, then
 * every new one as it happens, from every daemon, nodes that join included, until Ctrl-C.
 * Columns: TIME (local, ms), SOURCE, KIND, SUBJECT, MESSAGE; {@code --json} prints the events in
 * their version-1 JSON shape ({@code timeMs}, {@code source}, {@code kind}, {@code subject},
 * {@code message}, plus {@code seq} and {@code fields}): an array, or with {@code --watch} one
 * object per line. A daemon whose admin port does not answer is named on stderr and the exit code is 1.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Show the cluster's events (naming's, every node's and switch's), oldest first; --watch follows them live.")
public final class EventsCommand implements Callable<Integer> {
    /** How event and log times are shown: local time of day, to the ms. */
    public static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final String ROW = "%-12s %-8s %-22s %-12s %s%n";

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--watch", description = "after the kept events, follow new ones until Ctrl-C")
    boolean watch;

    @Option(names = "--json", description = "print JSON (with --watch: one object per line)")
    boolean json;

    @Option(names = "--since", paramLabel = "SEQ", defaultValue = "0",
            description = "only events after this sequence number of their daemon (default: all kept)")
    long since;

    @Option(names = "--node", paramLabel = "NODE", description = "only events published by this daemon (a node id, naming, or switch/ID)")
    String node;

    @Option(names = "--process", paramLabel = "NAME", description = "only events about this process (or node)")
    String process;

    @Override
    public Integer call() throws Exception {
        if (since < 0) {
            throw dev.caravan.wire.ErrorCode.INVALID_ARGUMENT.exception("--since must be 0 or more, got " + since);
        }
        PrintStream out = System.out;
        boolean[] problems = {false};
        Predicate<Event> filter = e -> (node == null || e.source().equals(node)) && (process == null || e.subject().equals(process));
        try (CaravanClient client = cluster.client();
             EventStreams streams = new EventStreams(client, new AdminClient(cluster.token()), p -> {
                 problems[0] = true;
                 System.err.println("caravan: events of " + p);
             })) {
            if (!watch) {
                print(out, streams.snapshot(since, process, filter));
                return problems[0] ? 1 : 0;
            }
            if (!json) {
                out.printf(Locale.ROOT, ROW, "TIME", "SOURCE", "KIND", "SUBJECT", "MESSAGE");
            }
            streams.follow(since, filter, e -> printOne(out, e));
            // Until Ctrl-C: the JVM's exit ends the streams.
            new java.util.concurrent.CountDownLatch(1).await();
            return 0;
        }
    }

    private void print(PrintStream out, List<Event> events) throws Exception {
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(events.stream().map(Event::toJson).toList()));
            return;
        }
        out.printf(Locale.ROOT, ROW, "TIME", "SOURCE", "KIND", "SUBJECT", "MESSAGE");
        events.forEach(e -> printOne(out, e));
        if (events.isEmpty()) {
            out.println("(no events" + (process != null ? " about " + process : "") + (node != null ? " from " + node : "") + ")");
        }
    }

    private void printOne(PrintStream out, Event e) {
        if (json) {
            try {
                out.println(new ObjectMapper().writeValueAsString(e.toJson()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
        } else {
            out.printf(Locale.ROOT, ROW, TIME.format(Instant.ofEpochMilli(e.timeMs())), e.source(), e.kind().label(), e.subject(),
                    e.message());
        }
        out.flush();
    }
}
