package dev.caravan.cli.commands.switching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.switching.config.FrontendSpecJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code caravan switch add}: declares a front end in a running switch (the admin API's
 * {@code POST /frontends}). One route from options, or one front end from {@code --config FILE}
 * in the config-file format (for several routes, matches and every limit). The spec is checked
 * here first, with the config file's messages, so a typo is refused before the switch is asked.
 */
@Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Declare a front end in the running switch (one route; several with --config FILE).",
                "  caravan switch add web --listen 127.0.0.1:8080 --protocol http --mode content --backends label:service=web",
                "  caravan switch add shop --listen 127.0.0.1:8081 --protocol http --mode content --backends prefix:shop"
                        + " --policy affinity --affinity cookie:SID",
                "  caravan switch add api --config api.json"})
public final class SwitchAddCommand implements Callable<Integer> {
    @Mixin
    SwitchTarget target;

    @Parameters(paramLabel = "NAME", arity = "0..1",
            description = "the front end's name (1..64 letters, digits, '-', '_', '.'); with --config, taken from the file")
    String name;

    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = dev.caravan.cli.options.HostPortConverter.class, description = "address to bind; port 0 takes a free one")
    String listen;

    @Option(names = "--protocol", paramLabel = "P", description = "what clients speak: tcp, http or resp")
    String protocol;

    @Option(names = "--mode", paramLabel = "M", description = "transport, content, handoff or process")
    String mode;

    @Option(names = "--backends", paramLabel = "SELECTOR", description = "name:<process>, prefix:<prefix> or label:<key>=<value>")
    String backends;

    @Option(names = "--policy", paramLabel = "P", description = "round-robin (default), weighted-round-robin, least-connections,"
            + " affinity, consistent-hash, power-of-two")
    String policy;

    @Option(names = "--affinity", paramLabel = "SOURCE", description = "what affinity and consistent-hash key on: client-address"
            + " (default), cookie:NAME, header:NAME, path, resp-key")
    String affinity;

    @Option(names = "--max-conn", paramLabel = "N", description = "connections (or in-flight requests) per backend; 0: no limit")
    Integer maxConnections;

    @Option(names = "--max-queued", paramLabel = "N", description = "dispatches waiting for a free slot (default 1024)")
    Integer maxQueued;

    @Option(names = "--queue-timeout-ms", paramLabel = "MS", description = "how long a dispatch waits in the queue (default 5000)")
    Long queueTimeoutMs;

    @Option(names = "--probe-interval-ms", paramLabel = "MS", description = "active health checks; 0 disables them (default 1000)")
    Long probeIntervalMs;

    @Option(names = "--slow-start-ms", paramLabel = "MS", description = "weight ramp of a returning backend; 0: none (default 10000)")
    Long slowStartMs;

    @Option(names = "--config", paramLabel = "FILE", description = "one front end in the config-file format (docs/switch.md);"
            + " no other front-end option then")
    Path config;

    @Override
    public Integer call() throws Exception {
        ObjectNode spec = config != null ? FrontendArgs.fromFile(config, name, routeOptionsGiven())
                : FrontendArgs.fromOptions(name, listen, protocol, mode, backends, policy, affinity, limits());
        FrontendSpecJson.parse(spec, config != null ? config.toString() : "options", "");
        JsonNode reply = target.client().post("/frontends", spec.toString());
        if (target.json) {
            SwitchTarget.printJson(reply);
            return 0;
        }
        JsonNode f = reply.get("frontend");
        List<String> routes = new ArrayList<>();
        f.path("spec").path("routes").forEach(r -> routes.add(r.path("backends").asText() + " " + r.path("policy").asText()));
        System.out.println("front end " + f.get("name").asText() + " listening on " + f.get("address").asText() + " ("
                + f.get("protocol").asText() + ", " + f.get("mode").asText() + "; " + String.join(", ", routes) + ")");
        return 0;
    }

    private List<String> routeOptionsGiven() {
        List<String> given = new ArrayList<>();
        Object[][] options = {{"--listen", listen}, {"--protocol", protocol}, {"--mode", mode}, {"--backends", backends},
                {"--policy", policy}, {"--affinity", affinity}};
        for (Object[] o : options) {
            if (o[1] != null) {
                given.add((String) o[0]);
            }
        }
        if (!limits().isEmpty()) {
            given.add("limits");
        }
        return given;
    }

    private java.util.Map<String, Number> limits() {
        java.util.Map<String, Number> limits = new java.util.LinkedHashMap<>();
        putIfGiven(limits, "maxConnectionsPerBackend", maxConnections);
        putIfGiven(limits, "maxQueued", maxQueued);
        putIfGiven(limits, "queueTimeoutMs", queueTimeoutMs);
        putIfGiven(limits, "probeIntervalMs", probeIntervalMs);
        putIfGiven(limits, "slowStartMs", slowStartMs);
        return limits;
    }

    private static void putIfGiven(java.util.Map<String, Number> limits, String key, Number value) {
        if (value != null) {
            limits.put(key, value);
        }
    }
}
