package dev.caravan.cli.commands.switching;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.switching.admin.AdminClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code caravan switch backends [FRONTEND]}: every backend of every route, with its state and load. */
@Command(name = "backends", mixinStandardHelpOptions = true, description = "List backends (of one front end, or all) with state and load.")
public final class SwitchBackendsCommand implements Callable<Integer> {
    @Mixin
    SwitchTarget target;

    @Parameters(paramLabel = "FRONTEND", arity = "0..1", description = "only this front end's backends")
    String frontend;

    @Override
    public Integer call() throws Exception {
        JsonNode reply = target.client().get("/backends" + (frontend == null ? "" : "?frontend=" + AdminClient.segment(frontend)));
        if (target.json) {
            SwitchTarget.printJson(reply);
            return 0;
        }
        String row = "%-20s %-16s %-21s %-6s %-8s %-7s %6s %9s %6s %10s %8s%n";
        System.out.printf(Locale.ROOT, row, "FRONTEND", "BACKEND", "ADDRESS", "NODE", "ADMIN", "HEALTHY", "WEIGHT", "EFFECTIVE",
                "ACTIVE", "SERVED", "FAILED");
        for (JsonNode b : reply.get("backends")) {
            System.out.printf(Locale.ROOT, row, b.get("frontend").asText(), b.get("id").asText(), b.get("address").asText(),
                    b.get("node").asText(), b.get("admin").asText(), b.get("healthy").asBoolean() ? "yes" : "no",
                    b.get("weight").asInt(), b.get("effectiveWeight").asInt(), b.get("active").asInt(), b.get("served").asLong(),
                    b.get("failed").asLong());
        }
        if (reply.get("backends").isEmpty()) {
            System.out.println("(no backends)");
        }
        return 0;
    }
}
