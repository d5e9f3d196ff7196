package dev.caravan.cli.commands.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cli.ClusterOptions;
import dev.caravan.client.CaravanClient;
import dev.caravan.observe.Event;
import dev.caravan.observe.EventKind;
import dev.caravan.wire.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code caravan logs NODE|PROCESS}: a daemon's recent log lines (its admin port's {@code /logs}),
 * or only a process's own {@code log()} lines. A process's lines are on the nodes it ran on: its
 * node now, and every node its events say it ran on before (where it was deployed, arrived or was
 * restored); those are merged in time order. {@code naming} names the naming service. Lines:
 * {@code TIME LEVEL [PROCESS] TEXT}; {@code --json}: one version-1 log-line object per line
 * ({@code seq}, {@code timeMs}, {@code level}, {@code process}, {@code logger}, {@code text}, plus
 * {@code source}). {@code --follow} then follows new lines at the node it runs on now until Ctrl-C.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Show a node's log, or a process's own log() lines (from every node it ran on); --follow follows it.")
public final class LogsCommand implements Callable<Integer> {
    private static final Set<EventKind> WHERE_IT_RAN = Set.of(EventKind.PROCESS_STARTED, EventKind.PROCESS_ARRIVED,
            EventKind.PROCESS_RESTORED, EventKind.MIGRATION_BEGUN);

    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "NODE|PROCESS", description = "a node id, naming, or a process name")
    String name;

    @Option(names = {"-f", "--follow"}, description = "then follow new lines until Ctrl-C")
    boolean follow;

    @Option(names = "--json", description = "print one JSON object per line")
    boolean json;

    @Option(names = "--since", paramLabel = "SEQ", defaultValue = "0",
            description = "only lines after this sequence number of their daemon (default: all kept)")
    long since;

    @Override
    public Integer call() throws Exception {
        if (since < 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--since must be 0 or more, got " + since);
        }
        try (CaravanClient client = cluster.client()) {
            AdminClient admin = new AdminClient(cluster.token());
            Map<String, String> daemons = AdminClient.daemons(client);
            String process = null;
            Set<String> sources = new LinkedHashSet<>();
            List<Event> history;
            try (EventStreams streams = new EventStreams(client, admin, p -> { })) {
                history = streams.snapshot(0, name, e -> WHERE_IT_RAN.contains(e.kind()) || e.kind() == EventKind.NODE_LOST
                        || e.kind() == EventKind.NODE_JOINED);
            }
            if (daemons.containsKey(name)) {
                sources.add(name);
            } else {
                Event lost = lostNode(history);
                if (lost != null) {
                    throw ErrorCode.NOT_FOUND.exception("node " + name + " is LOST (naming lost it at "
                            + EventsCommand.TIME.format(Instant.ofEpochMilli(lost.timeMs())) + "); " + goneLines(name));
                }
                process = name;
                sources.addAll(nodesItRanOn(client, history));
                if (sources.isEmpty()) {
                    throw ErrorCode.NOT_FOUND.exception("no node or process named '" + name
                            + "'; see 'caravan nodes' and 'caravan ps'");
                }
            }
            List<Map<String, Object>> lines = new ArrayList<>();
            for (String s : sources) {
                String at = daemons.get(s);
                if (at == null) {
                    System.err.println("caravan: node " + s + " (where " + name + " ran) is gone; " + goneLines(s));
                    continue;
                }
                for (Map<String, Object> l : admin.logs(at, since, process)) {
                    l.put("source", s);
                    lines.add(l);
                }
            }
            lines.sort(Comparator.comparingLong(l -> ((Number) l.get("timeMs")).longValue()));
            lines.forEach(this::print);
            if (lines.isEmpty() && !json) {
                System.err.println("(no log lines" + (process != null ? " of process " + process : "") + " kept)");
            }
            if (follow) {
                String now = process == null ? name : client.naming().lookup("process/" + process).map(e -> e.node()).orElseThrow(
                        () -> ErrorCode.NOT_FOUND.exception("process " + name + " runs nowhere now; nothing to follow"));
                String at = daemons.get(now);
                long after = lines.stream().filter(l -> now.equals(l.get("source")))
                        .mapToLong(l -> ((Number) l.get("seq")).longValue()).max().orElse(since);
                String filter = process == null ? "" : "&process=" + java.net.URLEncoder.encode(process,
                        java.nio.charset.StandardCharsets.UTF_8);
                admin.stream(at, "/logs?follow=true&since=" + after + filter, data -> {
                    Map<String, Object> l = new java.util.LinkedHashMap<>();
                    data.forEach((k, v) -> l.put(String.valueOf(k), v));
                    l.put("source", now);
                    print(l);
                });
            }
            return 0;
        }
    }

    /**
     * What is said of a gone node's lines: they went with it. Its log file is not named: only the
     * {@code caravan up} that started it knows its work dir (it names the file when the node exits).
     */
    private static String goneLines(String node) {
        return "its kept lines went with it (a node 'caravan up' started also logged to <work-dir>/logs/" + node + ".log)";
    }

    /** Naming's last membership event about {@code name} when it is a loss (the node is gone), else null. */
    private static Event lostNode(List<Event> history) {
        Event last = null;
        for (Event e : history) {
            if ((e.kind() == EventKind.NODE_LOST || e.kind() == EventKind.NODE_JOINED) && e.source().equals("naming")) {
                last = e;
            }
        }
        return last != null && last.kind() == EventKind.NODE_LOST ? last : null;
    }

    /**
     * The nodes the process ran on, oldest first, per the cluster's events (a surviving node's
     * arrival names the node it came from, so a gone source is still named), then where naming says
     * it runs now.
     */
    private Set<String> nodesItRanOn(CaravanClient client, List<Event> history) {
        Set<String> out = new LinkedHashSet<>();
        for (Event e : history) {
            if (!WHERE_IT_RAN.contains(e.kind())) {
                continue;
            }
            String from = e.fields().get("from");
            boolean arriving = e.kind() == EventKind.PROCESS_ARRIVED
                    || e.kind() == EventKind.MIGRATION_BEGUN && "destination".equals(e.fields().get("role"));
            if (arriving && from != null && !from.isEmpty() && !from.equals("checkpoint")) {
                out.add(from);
            }
            if (e.kind() == EventKind.MIGRATION_BEGUN && !"source".equals(e.fields().get("role"))) {
                continue;
            }
            out.add(e.source());
        }
        client.naming().lookup("process/" + name).ifPresent(e -> out.add(e.node()));
        return out;
    }

    private void print(Map<String, Object> l) {
        if (json) {
            try {
                System.out.println(new ObjectMapper().writeValueAsString(l));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            String p = String.valueOf(l.getOrDefault("process", ""));
            System.out.println(EventsCommand.TIME.format(Instant.ofEpochMilli(((Number) l.get("timeMs")).longValue())) + " "
                    + String.format("%-5s", l.get("level")) + " " + l.get("source") + (p.isEmpty() ? "" : " [" + p + "]") + " "
                    + l.get("text"));
        }
        System.out.flush();
    }
}
